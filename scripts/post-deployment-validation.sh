#!/bin/bash
# Post-deployment validation (spec §5.3), as the spec writes it: each npm script runs one gate of
# the post-deploy stage on its own against the live release (the configured target's public URL;
# `hermes gates explain <id>` says what each checks), and the script stops at the first failure.
# `hermes deploy` runs the whole post-deploy stage after its switch, and switches back on a failure.
set -e

echo "🔍 Starting post-deployment validation..."

# Functional testing
echo "🧪 Running functional tests..."
npm run test:e2e:production

# Performance monitoring
echo "📊 Monitoring performance..."
npm run monitor:performance

# Security validation
echo "🔒 Running security validation..."
npm run security:scan:production

# Data validation
echo "📊 Validating data integrity..."
npm run db:validate:data

echo "✅ Post-deployment validation completed!"
