# shellcheck shell=bash
# Idempotent installation of the build and test tools. Each function checks first and installs
# only what is missing, so a second run costs seconds.

CARGO_LEPTOS_VERSION=0.3.5
export PATH="$HOME/.cargo/bin:$PATH"

# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return 0
  log "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

ensure_cargo_leptos() {
  [ "$(cargo leptos --version 2>/dev/null)" = "cargo-leptos $CARGO_LEPTOS_VERSION" ] && return 0
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 12 minutes on 2 cores, once)"
  # no_downloads: cargo-leptos must use the tools installed here, never fetch its own.
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
}

ensure_wasm_bindgen() {
  local want
  want=$(wasm_bindgen_version)
  [ -n "$want" ] || die "no wasm-bindgen in Cargo.lock"
  [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $want" ] && return 0
  log "installing wasm-bindgen-cli $want"
  # Not --locked: its lock file pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "=$want"
}

# Playwright and wasm-opt (npm's binaryen 132: Debian's wasm-opt 108 breaks the bundle).
ensure_node_modules() {
  if [ -f end2end/node_modules/.package-lock.json ] &&
    [ ! end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    return 0
  fi
  command -v npm >/dev/null || die "npm is required (Node.js 20 or newer)"
  log "installing end2end npm packages (Playwright, binaryen)"
  (cd end2end && npm ci --no-audit --no-fund)
}

# livekit-client for the playground, served from our own origin: frontend/vendor's locked npm
# package, copied into public/vendor, which the build copies into the site.
ensure_vendor_assets() {
  local from=frontend/vendor/node_modules/livekit-client/dist/livekit-client.umd.js
  local to=public/vendor/livekit-client.umd.js
  if [ ! -f frontend/vendor/node_modules/.package-lock.json ] ||
    [ frontend/vendor/package-lock.json -nt frontend/vendor/node_modules/.package-lock.json ]; then
    command -v npm >/dev/null || die "npm is required (Node.js 20 or newer)"
    log "installing the pages' browser libraries (livekit-client)"
    (cd frontend/vendor && npm ci --no-audit --no-fund)
  fi
  mkdir -p public/vendor
  [ -f "$to" ] && [ ! "$from" -nt "$to" ] && return 0
  cp "$from" "$to"
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_cargo_leptos
  ensure_wasm_bindgen
  ensure_node_modules
  ensure_vendor_assets
}

# Debian's chromium for the browser tests, and curl, which runs seed 000's examples.
ensure_debian_packages() {
  command -v chromium >/dev/null && command -v curl >/dev/null && return 0
  log "installing Debian's chromium and curl"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium curl >/dev/null
}

# The server and its wasm bundle in the dev profile, as the contract, agent and browser tests run
# them. The server is built again here rather than taken from the test build: cargo-leptos
# compiles both halves with settings of its own (`--cfg erase_components`, LEPTOS_OUTPUT_NAME),
# and pages served by a server built without them do not work with the bundle.
build_for_tests() {
  log "building Switchboard (dev profile)"
  PATH="$REPO_ROOT/end2end/node_modules/.bin:$PATH" cargo leptos build
}

# Release build of the wasm bundle (optimised by wasm-opt) and of the server.
build_release() {
  log "building Switchboard (release)"
  PATH="$REPO_ROOT/end2end/node_modules/.bin:$PATH" cargo leptos build --release
}
