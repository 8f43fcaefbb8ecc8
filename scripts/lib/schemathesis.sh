# shellcheck shell=bash
# Schemathesis, pinned, in .tools/schemathesis-venv: drives the running server with requests
# generated from its own OpenAPI document and checks every answer against that document.

SCHEMATHESIS_VERSION=4.32.5
# Pinned too: a newer Hypothesis must not change the generated requests under us.
HYPOTHESIS_VERSION=6.170.27
SCHEMATHESIS="$REPO_ROOT/.tools/schemathesis-venv/bin/schemathesis"

ensure_schemathesis() {
  [ -x "$SCHEMATHESIS" ] && "$SCHEMATHESIS" --version | grep -q "$SCHEMATHESIS_VERSION" && return 0
  log "installing schemathesis $SCHEMATHESIS_VERSION"
  python3 -m venv "$REPO_ROOT/.tools/schemathesis-venv"
  "$REPO_ROOT/.tools/schemathesis-venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION" \
    "hypothesis==$HYPOTHESIS_VERSION"
}

# api_contract SERVER LOG: starts SERVER on a fresh SQLite database with one app, and runs
# every operation with a few generated requests each (examples, the coverage phase's edge
# cases and fuzzing; a fixed seed, so a failure replays), with the app's secret. Any answer the
# document does not describe fails: its status (so a 500, or a 503 where none is documented),
# content type, headers or body. One worker: Python 3.11's ast module is not thread-safe, and
# Hypothesis parses lambdas' source while describing strategies, so two workers crashed
# ("AST constructor recursion depth mismatch") now and then.
api_contract() {
  local server=$1 log_file=$2 dir="$REPO_ROOT/target/schemathesis" port pid status=0
  local secret=sbk_contract-secret-0123456789abcdef
  rm -rf "$dir" && mkdir -p "$dir"
  port=$(pg_free_port)
  local env=(env DATABASE_URL="sqlite://$dir/switchboard.db" SECRET_KEY_FILE="$dir/secret.key"
    RUST_LOG=warn BIND="127.0.0.1:$port")
  "${env[@]}" "$server" app create --slug contract --name Contract --secret "$secret" >/dev/null
  "${env[@]}" "$server" >"$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  "$SCHEMATHESIS" run "http://127.0.0.1:$port/api/openapi.json" --url "http://127.0.0.1:$port" \
    --header "Authorization: Bearer $secret" --header "X-App-Slug: contract" \
    --phases examples,coverage,fuzzing --max-examples 5 --seed 2 --workers 1 \
    --checks status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    2>&1 | tee "$log_file" || status=$?
  kill "$pid" && wait "$pid" || true
  return "$status"
}
