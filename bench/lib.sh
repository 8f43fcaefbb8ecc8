# shellcheck shell=bash
# Shared by the load scripts: a release server on loopback over a fresh database, apps made
# through the CLI, and the load tools (installed from Debian's packages when missing).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
source "$REPO_ROOT/scripts/lib/postgres.sh"

SERVER="$REPO_ROOT/target/release/server"
[ -x "$SERVER" ] || die "build first: scripts/run (or cargo leptos build --release)"

# need COMMAND: installs the Debian package of that name when it is missing.
need() {
  command -v "$1" >/dev/null && return
  log "installing $1"
  as_root apt-get install -y "$1" >/dev/null
}

WORK=$(mktemp -d)
SERVER_PID=
bench_cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  pg_stop
  rm -rf "$WORK"
}
trap bench_cleanup EXIT

# bench_database [--postgres]: chooses the database (SQLite file by default).
bench_database() {
  if [ "${1:-}" = "--postgres" ]; then
    pg_start
    export DATABASE_URL="$SWITCHBOARD_TEST_POSTGRES_URL"
    BACKEND=PostgreSQL
  else
    export DATABASE_URL="sqlite://$WORK/bench.db"
    BACKEND=SQLite
  fi
  PORT=$(pg_free_port)
  export BIND="127.0.0.1:$PORT" RUST_LOG=warn
  BASE="http://127.0.0.1:$PORT"
}

# bench_app JSON: creates an app (seed 000's fields) and prints its secret.
bench_app() {
  "$SERVER" app create --json "$1" | tail -n 1
}

bench_serve() {
  "$SERVER" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -sf "$BASE/health" >/dev/null && return; sleep 0.1; done
  die "the server did not start: $(cat "$WORK/server.log")"
}

# hey_summary FILE NAME: one line of hey's throughput and latency percentiles, in ms.
hey_summary() {
  python3 - "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
pct = {p: float(v) * 1000 for p, v in re.findall(r"^\s+(50|95|99)% in ([\d.]+) secs", text, re.M)}
codes = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", text))
# hey leaves out a percentile it has too few requests for.
ms = lambda p: f"{pct[p]:.2f} ms" if p in pct else "—"
print(f"{sys.argv[2]:<22} {rps:>8.0f} req/s   p50 {ms('50')}   p95 {ms('95')}   "
      f"p99 {ms('99')}   statuses {codes}")
PY
}
