#!/usr/bin/env bash
# Runs the uvu test files under the given directories (default: test/) and prints the closing line
# "N passed, N failed, N skipped" that CI reads. Fails when a test failed or when no test ran.
set -uo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(test)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
total=0 passed=0 skipped=0 rc=0
for d in "${dirs[@]}"; do
  # one uvu process per directory, so a slow e2e suite does not share a process with unit tests
  while IFS= read -r sub; do
    [ -n "$sub" ] || continue
    echo "== $sub"
    timeout --kill-after=10 1800 node --openssl-legacy-provider --import tsx node_modules/uvu/bin.js "$sub" '\.test\.ts$' --no-color 2>&1 | tee "$log"
    r=${PIPESTATUS[0]}
    [ "$r" -eq 0 ] || rc=$r
    t=$(awk '/^ *Total:/{v=$2}END{print v+0}' "$log")
    p=$(awk '/^ *Passed:/{v=$2}END{print v+0}' "$log")
    s=$(awk '/^ *Skipped:/{v=$2}END{print v+0}' "$log")
    # uvu leaves skipped tests out of Total; a crash before its summary counts as one failure
    if [ "$r" -ne 0 ] && [ "$t" -eq "$p" ]; then t=$((t + 1)); fi
    total=$((total + t)) passed=$((passed + p)) skipped=$((skipped + s))
  done < <(if compgen -G "$d/*.test.ts" >/dev/null; then echo "$d"; else
    # each top-level directory that holds tests (unit, integration, reliability, e2e) in its own process
    for sub in $(find "$d" -mindepth 1 -maxdepth 1 -type d | sort); do
      [ -n "$(find "$sub" -name '*.test.ts' -print -quit)" ] && echo "$sub"
    done
  fi)
done
failed=$((total - passed))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$((total + skipped))" -gt 0 ] || { echo "no test ran" >&2; exit 1; }
[ "$failed" -eq 0 ] || exit 1
exit "$rc"
