# shellcheck shell=bash
# A throwaway PostgreSQL 16 + pgvector for the test suite, from the `pgserver` wheel (Debian ships
# no pgvector). Sourced by scripts/test; the wheel is only unpacked, never imported by Python.
# The wheel's pgvector is 0.6; pgvector 0.8 (iterative index scans, which filtered HNSW searches
# need) is built from its source, which the Go module proxy serves, with the wheel's pg_config.
#
#   pg_start  -> exports SWITCHBOARD_TEST_POSTGRES_URL (a superuser URL on a free loopback port);
#                PG_SERVER_OPTIONS adds server settings (`-c shared_buffers=1GB`)
#   pg_stop   -> stops the server and deletes its data directory

PG_WHEEL_VERSION=0.1.4
PG_CACHE_DIR="${SWITCHBOARD_CACHE_DIR:-$REPO_ROOT/.cache}/pgserver-$PG_WHEEL_VERSION"
PG_OS_USER=switchboard-pg
PGVECTOR_VERSION=0.8.6

pg_install() {
  pg_install_server
  pg_install_pgvector
}

pg_install_server() {
  if [ -x "$PG_CACHE_DIR/pgserver/pginstall/bin/postgres" ]; then return 0; fi
  log "unpacking PostgreSQL + pgvector (pgserver $PG_WHEEL_VERSION wheel)"
  local download
  download=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform manylinux2014_x86_64 --python-version 3.11 \
    -d "$download" "pgserver==$PG_WHEEL_VERSION"
  mkdir -p "$PG_CACHE_DIR"
  python3 -m zipfile -e "$download"/pgserver-*.whl "$PG_CACHE_DIR"
  chmod -R a+rX "$PG_CACHE_DIR"
  chmod a+x "$PG_CACHE_DIR"/pgserver/pginstall/bin/*
  rm -rf "$download"
}

pg_install_pgvector() {
  local install="$PG_CACHE_DIR/pgserver/pginstall"
  [ -f "$install/share/postgresql/extension/vector--$PGVECTOR_VERSION.sql" ] && return 0
  log "building pgvector $PGVECTOR_VERSION for that PostgreSQL"
  local gopath source build
  gopath=$(mktemp -d)
  source=$(env GOPATH="$gopath" GOFLAGS=-modcacherw go mod download -json \
    "github.com/pgvector/pgvector@v$PGVECTOR_VERSION" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
  build=$(mktemp -d)
  cp -r "$source/." "$build"
  make -C "$build" -s -j "$(nproc)" PG_CONFIG="$install/bin/pg_config" >/dev/null
  make -C "$build" -s install PG_CONFIG="$install/bin/pg_config" >/dev/null
  chmod -R a+rX "$install"
  rm -rf "$gopath" "$build"
}

# PostgreSQL refuses to run as root: as root we run it as a dedicated system user.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PG_OS_USER" -- "$@"
  else
    "$@"
  fi
}

pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() {
  pg_install
  if [ "$(id -u)" = 0 ] && ! id "$PG_OS_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
  fi
  local bin="$PG_CACHE_DIR/pgserver/pginstall/bin"
  PG_DATA_DIR=$(mktemp -d /tmp/switchboard-pg.XXXXXX)
  PG_PORT=$(pg_free_port)
  [ "$(id -u)" = 0 ] && chown "$PG_OS_USER" "$PG_DATA_DIR"
  pg_as_owner "$bin/initdb" --pgdata="$PG_DATA_DIR/data" --username=postgres --auth=trust \
    --encoding=UTF8 --no-locale >"$PG_DATA_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DATA_DIR/initdb.log"; return 1; }
  # Tests create one database each; fsync off is safe for a cluster deleted after the run.
  pg_as_owner "$bin/pg_ctl" --pgdata="$PG_DATA_DIR/data" --log="$PG_DATA_DIR/server.log" --wait \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DATA_DIR -c fsync=off -c max_connections=300 ${PG_SERVER_OPTIONS:-}" \
    start >/dev/null || { cat "$PG_DATA_DIR/server.log"; return 1; }
  export SWITCHBOARD_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') with pgvector on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  [ -n "${PG_DATA_DIR:-}" ] || return 0
  pg_as_owner "$PG_CACHE_DIR/pgserver/pginstall/bin/pg_ctl" --pgdata="$PG_DATA_DIR/data" \
    --mode=immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DATA_DIR"
  PG_DATA_DIR=
}
