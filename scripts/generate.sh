#!/usr/bin/env bash
# openapi/<api>.yaml → src/confluent/generated/<api>.ts with openapi-typescript.
# --check: regenerate into a temporary directory and fail when the committed files differ (drift).
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/confluent/generated
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shopt -s nullglob
specs=(openapi/*.yaml)
[ ${#specs[@]} -gt 0 ] || { echo "no specs in openapi/" >&2; exit 1; }
for spec in "${specs[@]}"; do
  name=$(basename "$spec" .yaml)
  npx openapi-typescript "$spec" -o "$tmp/$name.ts" --alphabetize >/dev/null 2>"$tmp/$name.err" || { cat "$tmp/$name.err" >&2; exit 1; }
  rm -f "$tmp/$name.err"
done
if [ "${1:-}" = "--check" ]; then
  if ! diff -r "$tmp" "$out" >/dev/null 2>&1; then
    diff -r "$tmp" "$out" | head -40 >&2 || true
    echo "src/confluent/generated/ is out of date with openapi/: run 'make generate' and commit the result" >&2
    exit 1
  fi
  echo "generated code matches openapi/ (${#specs[@]} specs)"
else
  rm -rf "$out" && mkdir -p "$out" && cp "$tmp"/*.ts "$out"/
  echo "generated ${#specs[@]} files into $out"
fi
