#!/usr/bin/env bash
# Installs what building and testing Gigwire needs, idempotently and quietly
# when everything is already there: Debian packages (C++ toolchain and
# libraries, Bazel and its rules, Python gRPC), grpcurl and stripe-mock from
# the Go module proxy, and the TypeScript SDK's npm dependencies (from its lock file).
# Usage: tools/setup.sh            (called by `make run`, `make test`, CI)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

APT_PACKAGES=(
  g++ cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev grpc-proto
  libabsl-dev libsqlitecpp-dev libsqlite3-dev sqlite3 libssl-dev libgtest-dev libgmock-dev
  bazel-bootstrap bazel-rules-cc bazel-rules-proto bazel-rules-java bazel-platforms bazel-skylib
  python3-grpcio python3-protobuf python3-pytest python3-venv openssl
  libmicrohttpd-dev libcurl4-openssl-dev chromium fonts-liberation
  nodejs npm golang-go
)
GRPCURL_VERSION=v1.9.4
# Stripe's API simulator, for server/payments' StripeGateway tests (newest the
# Go module proxy served on 2026-12-03).
STRIPE_MOCK_VERSION=v0.203.0

say() { printf 'setup: %s\n' "$*" >&2; }

missing_apt_packages() {
  local pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    # Tools that already exist outside Debian's packages (e.g. a newer Go or
    # Node in /usr/local) count as present.
    case "$pkg" in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
      golang-go) command -v go >/dev/null && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

install_apt() {
  local missing
  missing=$(missing_apt_packages)
  [ -z "$missing" ] && return
  say "installing Debian packages: $(echo $missing)"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

install_grpcurl() {
  local gobin
  gobin="$(go env GOPATH)/bin"
  if [ -x "$gobin/grpcurl" ] && go version -m "$gobin/grpcurl" | grep -q "$GRPCURL_VERSION"; then
    return
  fi
  say "installing grpcurl $GRPCURL_VERSION from the Go module proxy"
  go install "github.com/fullstorydev/grpcurl/cmd/grpcurl@$GRPCURL_VERSION"
}

install_stripe_mock() {
  local gobin
  gobin="$(go env GOPATH)/bin"
  if [ -x "$gobin/stripe-mock" ] && go version -m "$gobin/stripe-mock" | grep -q "$STRIPE_MOCK_VERSION"; then
    return
  fi
  say "installing stripe-mock $STRIPE_MOCK_VERSION from the Go module proxy"
  go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
}

# npm ci in each folder with a package-lock.json (the TypeScript SDK, the web console),
# skipped while that folder's lock file is unchanged since its last install (stamp).
install_npm() {
  local dir stamp
  for dir in sdk/ts cmd/web-console; do
    stamp=$dir/node_modules/.gigwire-lock-stamp
    if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
      continue
    fi
    say "installing the npm dependencies of $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$dir/package-lock.json" "$stamp"
  done
}

install_apt
install_grpcurl
install_stripe_mock
install_npm
