#!/bin/bash
# Deployment script (spec §5.2), as the spec writes it: each npm script runs one step of the deploy
# stage on its own (`hermes gates explain <id>` says what it checks) and the script stops at the
# first failure. `deploy:api` releases the production build (`npm run build:production` first).
# `hermes deploy` runs the same steps as one recorded deployment: the pre-deploy check, the build,
# a backup, the ledger row, and the switch back to the previous release when a step fails.
set -e

echo "🚀 Starting deployment..."

# Database migration
echo "🗄️ Deploying database migrations..."
npm run db:migrate:production

# API deployment
echo "🔌 Deploying API endpoints..."
npm run deploy:api

# Health checks
echo "🏥 Running health checks..."
npm run health:check:deployment

# Load testing
echo "⚡ Running load tests..."
npm run test:load:deployment

echo "✅ Deployment completed successfully!"
