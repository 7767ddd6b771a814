#!/usr/bin/env bash
# Packaging checks: each SDK installed the way its ecosystem installs things
# and used from outside the repository against a real gigwired.
#   python  `pip install ./sdk/python[typing]` into a new virtualenv (grpcio,
#           protobuf and the typing extra's stubs from PyPI), then the conformance
#           scenario on that package, and mypy --strict on a typed consumer (and on
#           one that must fail, sync and asyncio calls alike)
#   ts      `npm pack` of sdk/ts installed into an empty ES module project; a
#           TypeScript consumer compiled against the package's declarations, run
#   ts_cjs  the same package in a CommonJS project made by `npm init -y`: a
#           TypeScript consumer compiled to require(), and plain require()s
#   cpp     `cmake --install` of the SDK; a CMake project using
#           find_package(gigwire) and gigwire::sdk, built and run; the
#           installed gigwired and gigctl binaries run from the prefix
# Needs `make build` first (gigwired, the CMake tree, sdk/ts node_modules) and
# the network for PyPI. Prints one "ok NAME" or "FAILED NAME" line per check,
# then "packaging: N passed, N failed". Work files go to build/packaging/.
# Usage: tests/packaging/run.sh [python|ts|ts_cjs|cpp ...]   (default: all four)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$(pwd)
work=$root/build/packaging
gigwired=${GIGWIRED:-$root/build/cmake/bin/gigwired}
passed=0
failed=0

# Starts gigwired on a fresh database (with the tests' admin); sets $address.
start_server() {
  rm -rf "$work/server" && mkdir -p "$work/server"
  echo admin-password-123 | "$gigwired" --db "$work/server/g.db" --create-admin admin@example.com \
    --insecure-fast-password-hashing >/dev/null 2>&1 || return 1
  "$gigwired" --db "$work/server/g.db" --listen 127.0.0.1:0 --ready-file "$work/server/ready" \
    --insecure-fast-password-hashing --rate-auth-per-second 1000 --rate-auth-burst 1000 \
    >"$work/server/log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    [ -s "$work/server/ready" ] && address=$(cat "$work/server/ready") && return 0
    sleep 0.1
  done
  return 1
}

check_python() {
  rm -rf "$work/venv"
  /usr/bin/python3 -m venv "$work/venv" &&
    "$work/venv/bin/pip" install -q --disable-pip-version-check "./sdk/python[typing]" pytest \
      mypy &&
    "$work/venv/bin/python" -c 'import importlib.metadata as m, sys
sys.exit(m.metadata("gigwire")["License-Expression"] != "Apache-2.0")' &&
    (cd "$work" && GIGWIRE_USE_INSTALLED_SDK=1 GIGWIRED="$gigwired" GIGWIRE_E2E=require \
      "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests/e2e/python/test_conformance.py") &&
    check_python_types
}

# The installed package's types as a partner's mypy sees them: typed_usage.py
# passes, and type_errors.py fails on exactly its lines marked "expected error".
check_python_types() {
  local consumer=tests/packaging/py_consumer mypy=("$work/venv/bin/python" -m mypy --strict
    --no-incremental)
  "${mypy[@]}" "$consumer/typed_usage.py" || return 1
  local expected found
  expected=$(grep -n "# expected error" "$consumer/type_errors.py" | cut -d: -f1 | sort -u)
  found=$("${mypy[@]}" "$consumer/type_errors.py" | sed -nE 's/^[^:]+:([0-9]+): error.*/\1/p' | sort -u)
  echo "mypy errors on lines: $(echo $found); expected: $(echo $expected)"
  [ -n "$expected" ] && [ "$found" = "$expected" ]
}

# The npm package of sdk/ts, packed once into $work/ts-pack; sets $ts_tarball.
pack_ts() {
  [ -n "${ts_tarball:-}" ] && return 0
  rm -rf "$work/ts-pack" && mkdir -p "$work/ts-pack" &&
    (cd sdk/ts && npm pack --silent --pack-destination "$work/ts-pack" >/dev/null) &&
    ts_tarball=$(ls "$work"/ts-pack/gigwire-sdk-*.tgz)
}

# An ES module project (package.json "type": "module") using the package.
check_ts() {
  rm -rf "$work/ts" && mkdir -p "$work/ts/consumer" && pack_ts &&
    cp tests/packaging/ts_consumer/* "$work/ts/consumer/" &&
    (cd "$work/ts/consumer" &&
      npm install --silent --no-audit --no-fund "$ts_tarball" @types/node@20 &&
      "$root/sdk/ts/node_modules/.bin/tsc" -p tsconfig.json &&
      node list-categories.js "$address" &&
      node -e 'const license = require("@gigwire/sdk/package.json").license;
        if (license !== "Apache-2.0") throw new Error(`license: ${license}`);')
}

# A CommonJS project made as `npm init -y` makes one: TypeScript compiled to
# require() against the package's CommonJS declarations, then plain JavaScript
# require()s of the package.
check_ts_cjs() {
  rm -rf "$work/ts-cjs" && mkdir -p "$work/ts-cjs" && pack_ts &&
    (cd "$work/ts-cjs" && npm init -y >/dev/null &&
      ! grep -q '"type": *"module"' package.json &&
      npm install --silent --no-audit --no-fund "$ts_tarball" @types/node@20 &&
      cp "$root"/tests/packaging/ts_cjs_consumer/* . &&
      "$root/sdk/ts/node_modules/.bin/tsc" -p tsconfig.json &&
      grep -q 'require("@gigwire/sdk")' list-categories.js &&
      node list-categories.js "$address" &&
      node -e 'const sdk = require("@gigwire/sdk");
        if (typeof sdk.createClient !== "function" || sdk.EventType.JOB_CREATED !== 1) process.exit(1);
        console.log("require(\"@gigwire/sdk\"): ok");')
}

check_cpp() {
  rm -rf "$work/cpp" &&
    cmake --install build/cmake --prefix "$work/cpp/prefix" >/dev/null &&
    cmake -S tests/packaging/cpp_consumer -B "$work/cpp/build" -G Ninja \
      -DCMAKE_PREFIX_PATH="$work/cpp/prefix" >/dev/null &&
    ninja -C "$work/cpp/build" --quiet &&
    "$work/cpp/build/list_categories" "$address" &&
    check_installed_binaries "$work/cpp/prefix/bin"
}

# The installed gigwired and gigctl run on their own: the server answers
# --help, and gigctl lists the running server's services over reflection.
check_installed_binaries() {
  local bin=$1
  # Whole outputs first: `cmd | grep -q` fails under pipefail when grep exits
  # before a long output is written (SIGPIPE).
  local help services
  help=$("$bin/gigwired" --help) && grep -q -- "--listen" <<<"$help" &&
    services=$("$bin/gigctl" --insecure --server "$address" list) &&
    grep -qx "gigwire.v1.JobService" <<<"$services"
}

mkdir -p "$work"
checks=("$@")
[ ${#checks[@]} -eq 0 ] && checks=(python ts ts_cjs cpp)
if ! start_server; then
  echo "FAILED to start gigwired; see $work/server/log"
  echo "packaging: 0 passed, ${#checks[@]} failed"
  exit 1
fi
trap 'kill $server_pid 2>/dev/null' EXIT
for check in "${checks[@]}"; do
  if "check_$check" >"$work/$check.log" 2>&1; then
    echo "ok $check"
    passed=$((passed + 1))
  else
    echo "FAILED $check (log: $work/$check.log)"
    tail -20 "$work/$check.log"
    failed=$((failed + 1))
  fi
done
echo "packaging: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
