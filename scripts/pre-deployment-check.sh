#!/bin/bash
# Pre-deployment quality gates (spec §5.1). Each step runs the Hermes gates behind the spec's
# command (`hermes gates explain <id>` says what each checks) and stops at the first failure,
# which Hermes prints with the failing gate's summary. Exit codes: 0 passed, 1 a gate failed,
# 2 Hermes could not run (bad config, database unreachable). A step whose gates are all disabled
# (gates.overrides.<id>.enabled: false) is not run.
# Reports of each step: $HERMES_REPORT_DIR/<step>/ (default reports/pre-deployment).
# It ends by listing what stands in for a check (a gate that warned, or was skipped) from each
# step's JSON report; "All passed!" only when nothing does. Warnings leave the exit code 0.
set -euo pipefail

report_dir="${HERMES_REPORT_DIR:-reports/pre-deployment}"
# Each step's report directory, or `off:<step>:<ids>` for a step whose gates are all disabled.
steps=()
# The gates disabled in the configuration, comma-separated.
disabled=""

# gates <step> <gate ids, comma-separated> [stage, default pre-deploy]
gates() {
  local step="$1" ids="$2" stage="${3:-pre-deploy}" status=0 id enabled=0
  local -a wanted
  IFS=, read -ra wanted <<<"$ids"
  for id in "${wanted[@]}"; do
    [[ ",$disabled," == *",$id,"* ]] || enabled=1
  done
  # A step whose every gate is disabled has nothing to run (Hermes would refuse it, exit 2):
  # the script goes on, and the ending lists it among what stands in for checks.
  if [ "$enabled" -eq 0 ]; then
    echo "↓ step '$step' not run: disabled by gates.overrides.<id>.enabled: $ids"
    steps+=("off:$step:$ids")
    return
  fi
  steps+=("$report_dir/$step")
  node bin/hermes.js gates run "$stage" --only "$ids" --report-dir "$report_dir/$step" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "❌ Pre-deployment check stopped at step '$step' (exit $status); reports in $report_dir/$step"
    exit "$status"
  fi
}

# The ids of the disabled gates, comma-separated, from `hermes gates list --json` on stdin.
disabled_js='
let text = "";
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => {
  const rows = JSON.parse(text);
  process.stdout.write(rows.filter((r) => r.enabled === false).map((r) => r.id).join(","));
});
'

# Reads the newest JSON report of each step directory that started at or after <since> (an
# earlier run's report in the same directory does not count; a `latest` copy is the same run).
# shellcheck disable=SC2016 # JavaScript, not shell, expands these.
ending_js='
const fs = require("node:fs");
const path = require("node:path");
const [since, ...dirs] = process.argv.slice(1);
const sinceMs = Date.parse(since);
const how = { error: " (could not judge)", fail: " (failed, advisory)", skip: " (skipped)" };
const readRun = (file) => {
  try {
    const run = JSON.parse(fs.readFileSync(file, "utf8"));
    return Array.isArray(run.results) && Date.parse(run.startedAt) >= sinceMs ? [run] : [];
  } catch {
    return [];
  }
};
const lines = [];
for (const dir of dirs) {
  if (dir.startsWith("off:")) {
    const [, step, ids] = dir.split(":");
    for (const id of ids.split(",")) lines.push(`  ↓ ${id} (disabled, step ${step} not run): gates.overrides.${id}.enabled is false`);
    continue;
  }
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
  const runs = files.flatMap((f) => readRun(path.join(dir, f)));
  const run = runs.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))[0];
  if (!run) {
    lines.push(`  ? ${path.basename(dir)}: no JSON report of this run (is json in gates.reports.formats?), so its warnings cannot be listed`);
    continue;
  }
  for (const r of run.results)
    if (r.status === "warn" || r.status === "skip")
      lines.push(`  ${r.status === "skip" ? "↓" : "⚠"} ${r.id}${how[r.outcomeStatus] ?? ""}: ${r.summary}`);
}
const n = lines.length;
if (n === 0) console.log("✅ All pre-deployment quality gates passed!");
else {
  console.log(`✅ Pre-deployment quality gates passed, with ${n} warning${n === 1 ? " that stands in for a check" : "s that stand in for checks"}:`);
  for (const line of lines) console.log(line);
}
'

# print_ending <since, ISO time> <step report dir, or off:<step>:<ids>>...
print_ending() {
  node -e "$ending_js" "$@"
}

main() {
  cd "$(dirname "$0")/.."
  local started
  started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

  echo "🚀 Starting pre-deployment quality gates..."
  local listed status=0
  listed="$(node bin/hermes.js gates list --json)" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "❌ Pre-deployment check stopped: the gates could not be listed (exit $status)"
    exit "$status"
  fi
  disabled="$(node -e "$disabled_js" <<<"$listed")"

  # Code quality checks
  echo "📝 Running code quality checks..."
  gates lint code.lint                  # npm run lint
  gates type-check code.types           # npm run type-check
  gates format-check code.format        # npm run format:check

  # Security checks
  echo "🔒 Running security checks..."
  gates audit security.dependencies     # npm audit --audit-level=high (offline OSV database when npm audit can't answer)
  gates security-audit security.code    # npm run security:audit

  # Test execution
  echo "🧪 Running tests..."
  gates test-unit tests.unit            # npm run test:unit
  gates test-coverage tests.coverage    # npm run test:coverage
  gates test-integration tests.integration
  gates test-performance tests.performance

  # Database validation
  echo "🗄️ Validating database schema..."
  gates validate-schema db.migrations.reversible,db.migrations.lint,db.schema.breaking,db.schema.foreign-keys,db.schema.indexes
  gates database db.migrations.applied,db.integrity,db.query-plans

  # Environment validation
  echo "🌍 Validating environment..."
  gates validate-environment env.variables
  gates db-health-check db.connectivity

  # Build validation: the deploy stage's build gates (§2.1.1), run here as §5.1 asks.
  echo "🏗️ Validating builds..."
  gates build-staging build.staging deploy        # npm run build:staging
  gates build-production build.production deploy  # npm run build:production

  print_ending "$started" "${steps[@]}"
}

# Sourced (as the test does to check the ending on made-up reports), it only defines the functions.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
