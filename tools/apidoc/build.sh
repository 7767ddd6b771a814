#!/usr/bin/env bash
# Builds the API reference page from the proto comments:
#   build/docs/api-reference.md   (called by `make build`)
# Usage: tools/apidoc/build.sh [OUTPUT_DIR]   (default build/docs)
# Env: PROTOC (default /usr/bin/protoc).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out=${1:-build/docs}
mkdir -p "$out"
"${PROTOC:-/usr/bin/protoc}" -Iproto --include_source_info --include_imports \
  --descriptor_set_out="$out/gigwire.protoset" proto/gigwire/v1/*.proto
/usr/bin/python3 tools/apidoc/api_reference.py "$out/gigwire.protoset" "$out/api-reference.md"
echo "apidoc: wrote $out/api-reference.md"
