#!/usr/bin/env bash
# Fails when gen/ differs from what `buf generate` produces from proto/ now: gen/ is committed and
# must never be edited by hand or left stale.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npx --no-install buf generate --output "$tmp"
if ! diff -r gen "$tmp/gen" >"$tmp/diff.txt"; then
  echo "gen/ is stale: run 'npm run generate' and commit the result." >&2
  head -n 40 "$tmp/diff.txt" >&2
  exit 1
fi
echo "gen/ matches buf generate"
