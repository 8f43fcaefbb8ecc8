# shellcheck shell=bash
# The real LiveKit server for tests and local development: a pinned Go module built into
# .tools/bin, and started on loopback from a config written at run time.

# The newest tag `go install` accepts: later tags' go.mod carry replace directives, which
# `go install module@version` refuses.
LIVEKIT_VERSION=v1.13.5
LIVEKIT_BIN="$REPO_ROOT/.tools/bin/livekit-server-$LIVEKIT_VERSION"
# The development key pair, shared with the server's defaults in scripts/run --with-livekit and
# the tests. Never use it for a LiveKit server anyone else can reach.
LIVEKIT_KEY=devkey
LIVEKIT_SECRET=devsecret-devsecret-devsecret-00
export LIVEKIT_BIN

# Go's module and build caches live in .tools/go, so a second install (or CI's cached run)
# builds nothing.
go_env() {
  env GOMODCACHE="$REPO_ROOT/.tools/go/mod" GOCACHE="$REPO_ROOT/.tools/go/cache" \
    GOFLAGS="-modcacherw -buildvcs=false" "$@"
}

ensure_livekit_server() {
  [ -x "$LIVEKIT_BIN" ] &&
    [ "$("$LIVEKIT_BIN" --version 2>/dev/null)" = "livekit-server version ${LIVEKIT_VERSION#v}" ] &&
    return 0
  command -v go >/dev/null || die "go is required to build the LiveKit server (Go 1.26 or newer)"
  log "installing livekit-server $LIVEKIT_VERSION (go install, about 3 minutes on 2 cores, once)"
  local gobin
  gobin=$(mktemp -d)
  go_env GOBIN="$gobin" go install "github.com/livekit/livekit-server/cmd/server@$LIVEKIT_VERSION"
  mkdir -p "$(dirname "$LIVEKIT_BIN")"
  mv "$gobin/server" "$LIVEKIT_BIN"
  rm -rf "$gobin"
}

# livekit_config HTTP_PORT WEBHOOK_URL: a single-node, loopback-only configuration. Signalling
# and the API on HTTP_PORT, WebRTC over TCP on HTTP_PORT+1 and over UDP on HTTP_PORT+2.
livekit_config() {
  local port=$1 webhook=$2
  cat <<YAML
port: $port
bind_addresses: [127.0.0.1]
log_level: warn
keys:
  $LIVEKIT_KEY: $LIVEKIT_SECRET
rtc:
  tcp_port: $((port + 1))
  udp_port: $((port + 2))
  node_ip: 127.0.0.1
  use_external_ip: false
  enable_loopback_candidate: true
  interfaces:
    includes: [lo]
  # Nothing leaves the machine: clients are told of a loopback STUN address only.
  stun_servers: ["127.0.0.1:$((port + 2))"]
room:
  empty_timeout: 30
  departure_timeout: 5
# One machine runs everything here, so its CPU is busy whenever a build or a browser is: a
# worker keeps getting calls until its load passes 1.0 (LiveKit's default is 0.7).
agents:
  target_load: 1.01
webhook:
  api_key: $LIVEKIT_KEY
  urls: ["$webhook"]
YAML
}

# A port P with P and P+1 free over TCP and P+2 over UDP, as scripts/livekit takes them.
livekit_free_port() {
  python3 - <<'PY'
import socket
while True:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        with socket.socket() as tcp, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            tcp.bind(("127.0.0.1", port + 1))
            udp.bind(("127.0.0.1", port + 2))
        print(port)
        break
    except OSError:
        continue
PY
}
