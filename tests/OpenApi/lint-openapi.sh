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

# Port 0: the kernel picks a port nobody holds (a port drawn at random once collided with a test's outbound
# connection), and the service's "Now listening on" line says which.
(cd "$api_dir" && EmbeddedPostgres__DataDirectory="$data" exec dotnet CoopLedger.Api.dll --urls "http://127.0.0.1:0" >"$out/api.log" 2>&1) &
api=$!
cleanup() { kill -TERM "$api" 2>/dev/null || true; wait "$api" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

address=""
for _ in $(seq 1 60); do
  address=$(grep -o 'Now listening on: http://127\.0\.0\.1:[0-9]*' "$out/api.log" | head -n 1 | sed 's/^Now listening on: //') || true
  [ -n "$address" ] && curl -sf "$address/openapi/v1.json" -o "$out/openapi.json" && break
  kill -0 "$api" 2>/dev/null || break
  sleep 1
done
[ -s "$out/openapi.json" ] || { echo "the service did not serve its OpenAPI document:" >&2; cat "$out/api.log" >&2; exit 1; }

npx --yes @redocly/cli@2.77.0 lint "$out/openapi.json" --format=summary 2>&1 | grep -vE '║|╔|╚|^npm warn'
