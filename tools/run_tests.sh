#!/usr/bin/env bash
# Runs every test of every language against freshly built binaries and ends
# with one line `N passed, N failed` (totals over all runners).
#   C++:        ctest (unit, in-process integration, e2e against gigwired)
#   Python:     pytest (SDK unit tests; e2e against gigwired and grpcurl;
#               the API reference generator)
#   TypeScript: node --test (SDK unit tests; e2e against gigwired)
#   Browser:    the web console in Debian's Chromium (puppeteer-core, node --test)
#               against gigwired's web port
#   Packaging:  each SDK installed as its ecosystem does (pip, npm pack,
#               cmake --install + find_package) and used from outside
# Each runner's full output is kept in build/test-logs/.
# Usage: tools/run_tests.sh   (after `make build`; called by `make test`)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
logs=build/test-logs
mkdir -p "$logs"
export GIGWIRED="$root/build/cmake/bin/gigwired"
export GRPCURL="$(go env GOPATH)/bin/grpcurl"
export GIGWIRE_E2E=require

total_passed=0
total_failed=0
status=0

# record NAME PASSED FAILED EXIT_CODE
record() {
  local name=$1 passed=$2 failed=$3 code=$4
  if [ -z "$passed" ] || [ -z "$failed" ]; then
    echo "$name: could not read the runner's counts (exit $code); see $logs/$name.log"
    failed=$(( ${failed:-0} + 1 )); passed=${passed:-0}
  fi
  if [ "$code" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  echo "$name: $passed passed, $failed failed"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  [ "$failed" -ne 0 ] && status=1
}

run_ctest() {
  (cd build/cmake && ctest --output-on-failure -j2) > "$logs/cpp.log" 2>&1
  local code=$? line
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$logs/cpp.log" | tail -1)
  local failed total
  failed=$(sed -nE 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/p' <<<"$line")
  total=$(sed -nE 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/p' <<<"$line")
  [ "$code" -ne 0 ] && grep -E '^\s*[0-9]+ - .*\(Failed|\*\*\*' "$logs/cpp.log" | head -20
  record cpp "$([ -n "$total" ] && echo $((total - failed)))" "$failed" "$code"
}

# pytest_suite NAME DIR ARGS...: runs pytest in DIR, records its counts.
pytest_suite() {
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && /usr/bin/python3 -m pytest -q -p no:cacheprovider "$@") > "$logs/$name.log" 2>&1
  local code=$? line passed failed errors
  line=$(grep -E '^[=]* ?[0-9]+ (passed|failed)' "$logs/$name.log" | tail -1)
  passed=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  failed=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  errors=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  [ "$code" -ne 0 ] && grep -E '^(FAILED|ERROR) ' "$logs/$name.log" | head -20
  [ -z "$line" ] && passed=""
  record "$name" "$passed" "$((failed + errors))" "$code"
}

run_pytest() {
  pytest_suite python-sdk sdk/python tests
  pytest_suite python-e2e . tests/e2e/python
  pytest_suite tools . tools/apidoc
}

run_node() {
  (cd sdk/ts && npm test --silent) > "$logs/typescript.log" 2>&1
  local code=$? passed failed
  passed=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$logs/typescript.log" | tail -1)
  failed=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$logs/typescript.log" | tail -1)
  [ "$code" -ne 0 ] && grep -E '^not ok|# Subtest' "$logs/typescript.log" | grep -B1 '^not ok' | head -20
  record typescript "$passed" "$failed" "$code"
}

run_browser() {
  (cd cmd/web-console && node --test test/*.test.mjs) > "$logs/browser.log" 2>&1
  local code=$? passed failed
  passed=$(sed -nE 's/^# pass ([0-9]+)$/\1/p' "$logs/browser.log" | tail -1)
  failed=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$logs/browser.log" | tail -1)
  [ "$code" -ne 0 ] && grep -E '^not ok|^# Subtest' "$logs/browser.log" | grep -B1 '^not ok' | head -20
  record browser "$passed" "$failed" "$code"
}

run_packaging() {
  tests/packaging/run.sh > "$logs/packaging.log" 2>&1
  local code=$? passed failed
  passed=$(sed -nE 's/^packaging: ([0-9]+) passed, ([0-9]+) failed$/\1/p' "$logs/packaging.log")
  failed=$(sed -nE 's/^packaging: ([0-9]+) passed, ([0-9]+) failed$/\2/p' "$logs/packaging.log")
  [ "$code" -ne 0 ] && grep -E '^FAILED' "$logs/packaging.log"
  record packaging "$passed" "$failed" "$code"
}

run_ctest
run_pytest
run_node
run_browser
run_packaging
echo "$total_passed passed, $total_failed failed"
exit $status
