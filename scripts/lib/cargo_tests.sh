# shellcheck shell=bash
# Builds every Rust test once and runs the test binaries one suite at a time.
#
# Cargo resolves features anew for each selection of packages, and compiles the dependencies
# once per resolution. Commands like `cargo test -p store` then `cargo test -p server` built a
# dozen copies of sqlx, syn and the rest, which filled a CI machine's disk. So the tests are built
# with one selection, and the suites run the binaries that build made, as `cargo test` would.

TEST_SELECTION=(--workspace --exclude frontend)
TEST_BINARIES="$REPO_ROOT/target/test-binaries.tsv"

# Builds the tests of every native package, and the server binary the process tests run.
build_tests() {
  cargo test "${TEST_SELECTION[@]}" --no-run --message-format=json-render-diagnostics |
    python3 "$REPO_ROOT/scripts/lib/test_binaries.py" >"$TEST_BINARIES.new"
  mv "$TEST_BINARIES.new" "$TEST_BINARIES"
}

# test_binary PACKAGE KIND NAME: the "folder<TAB>executable" of one binary from build_tests.
test_binary() {
  awk -F '\t' -v package="$1" -v kind="$2" -v name="$3" \
    '$1 == package && $2 == kind && $3 == name { print $4 "\t" $5 }' "$TEST_BINARIES"
}

# run_tests LOG PACKAGE KIND NAME [ARGS...]: runs one test binary in its package's folder, as
# cargo test does, and appends its output to LOG_DIR/LOG.log.
run_tests() {
  local log=$1 package=$2 kind=$3 name=$4 found dir executable
  shift 4
  found=$(test_binary "$package" "$kind" "$name")
  [ -n "$found" ] || die "no $kind test binary $name in $package: run build_tests first"
  IFS=$'\t' read -r dir executable <<<"$found"
  log "$package: $kind $name"
  printf '%s\t%s\t%s\n' "$package" "$kind" "$name" >>"$LOG_DIR/ran-tests.tsv"
  (cd "$dir" && "$executable" "$@") 2>&1 | tee -a "$LOG_DIR/$log.log"
}

# Fails when build_tests made a test binary no suite ran: a new test file must join a suite.
check_every_test_ran() {
  local missed
  missed=$(cut -f 1-3 "$TEST_BINARIES" | grep -v $'\texe\t' | sort -u |
    comm -23 - <(sort -u "$LOG_DIR/ran-tests.tsv"))
  [ -z "$missed" ] || die "test binaries no suite runs (add them to scripts/test):"$'\n'"$missed"
}

# Deletes the binaries build_tests made, once their suites have run: the disk is better spent on
# the builds that follow (about 2 GB).
remove_test_binaries() {
  [ -f "$TEST_BINARIES" ] || return 0
  cut -f 5 "$TEST_BINARIES" | xargs -r rm -f
  rm -f "$TEST_BINARIES"
}
