#!/usr/bin/env bash
# Serves the OpenAPI document from the built service (its own embedded PostgreSQL, a throwaway data folder) and
# lints it with Redocly CLI from npm. Exits non-zero when the document has errors (warnings are printed, allowed).
# Usage: tests/OpenApi/lint-openapi.sh [Debug|Release]
set -euo pipefail
cd "$(dirname "$0")/../.."
configuration="${1:-Release}"
api_dir="src/CoopLedger.Api/bin/$configuration/net10.0"
data="$(mktemp -d)"
out="$(mktemp -d)"
port=$(shuf -i 20000-60000 -n 1)

(cd "$api_dir" && EmbeddedPostgres__DataDirectory="$data" exec dotnet CoopLedger.Api.dll --urls "http://127.0.0.1:$port" >"$out/api.log" 2>&1) &
api=$!
cleanup() { kill -TERM "$api" 2>/dev/null || true; wait "$api" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o "$out/openapi.json" && break
  sleep 1
done
[ -s "$out/openapi.json" ] || { echo "the service did not serve its OpenAPI document:" >&2; cat "$out/api.log" >&2; exit 1; }

npx --yes @redocly/cli@2.77.0 lint "$out/openapi.json" --format=summary 2>&1 | grep -vE '║|╔|╚|^npm warn'
