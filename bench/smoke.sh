#!/usr/bin/env bash
# CI smoke run of the benchmark: a few seconds per route. Asserts only that it runs end to end and
# prints the table (no performance thresholds: CI machines are too noisy for that).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
env -u DATABASE_URL npm run --silent bench -- --smoke | tee "$out"
grep -q '^| route ' "$out"
for route in 'GET /courses/{id} ' 'GET /users/{id}/test-results' 'GET /courses/tests/{id}/stats' 'GET /courses/{id}/gradebook' 'POST /courses/tests/{id}/test-results'; do
  grep -qF "| $route" "$out" || { echo "bench smoke: no row for $route" >&2; exit 1; }
done
grep -qF '| baseline' "$out" || { echo 'bench smoke: no baseline row' >&2; exit 1; }
echo 'bench smoke: OK'
