#!/bin/bash
# Pre-deployment quality gates (spec §5.1). Each step runs the Hermes gates behind the spec's
# command (`hermes gates explain <id>` says what each checks) and stops at the first failure,
# which Hermes prints with the failing gate's summary. Exit codes: 0 passed, 1 a gate failed,
# 2 Hermes could not run (bad config, database unreachable).
# Reports of each step: $HERMES_REPORT_DIR/<step>/ (default reports/pre-deployment).
set -euo pipefail
cd "$(dirname "$0")/.."

report_dir="${HERMES_REPORT_DIR:-reports/pre-deployment}"

# gates <step> <gate ids, comma-separated>
gates() {
  local step="$1" ids="$2" status=0
  node bin/hermes.js gates run pre-deploy --only "$ids" --report-dir "$report_dir/$step" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "❌ Pre-deployment check stopped at step '$step' (exit $status); reports in $report_dir/$step"
    exit "$status"
  fi
}

echo "🚀 Starting pre-deployment quality gates..."

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

# Build validation (build:staging, build:production) belongs to the deploy stage (spec §2.1):
# `hermes gates run deploy`.

echo "✅ All pre-deployment quality gates passed!"
