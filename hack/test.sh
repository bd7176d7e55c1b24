#!/usr/bin/env bash
# The README's test command (`npm test`). On a fresh machine of this kind it
# installs what is missing (Debian packages, npm dependencies, the control
# plane's binaries, model weights, the ASR runtime's Python environment), then
# type-checks, lints and runs every test project: unit, integration (real
# PostgreSQL and Redis) and e2e (real control plane).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

step "Debian packages";      bash hack/ensure-packages.sh
step "npm dependencies";     bash hack/npm-install.sh
step "Control plane binaries"; bash hack/cluster/build.sh >/dev/null
# Type-check and lint failures fail the run, but the tests still run, so one
# CI log shows every problem at once.
failed=()
step "Type-check";           npx tsc -b || failed+=(type-check)
step "Lint";                 npm run --silent lint || failed+=(lint)
step "Models";               bash hack/fetch-models
step "ASR runtime";          bash hack/asr-env.sh >/dev/null
step "Web UI build";         npm run --silent build -w frontend >/dev/null
step "Tests"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
# Every test project; benchmarks live in projects of their own and run with `npm run bench`.
projects=(--project unit --project integration --project browser --project e2e)
npx vitest run "${projects[@]}" --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
# One closing line in the plain 'N passed, N failed' form that CI reads.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" 2>/dev/null || true
if ((${#failed[@]})); then
  echo "Failed before the tests: ${failed[*]}" >&2
  exit 1
fi
exit "$status"
