import { resolve } from 'node:path';
import { configuredMigrator } from '../../migrations/configured-migrator.ts';
import { packageVersion } from '../../migrations/release-of.ts';
import { allGates } from '../../gates/all-gates.ts';
import { quoteRecords } from '../../gates/builtin/db/record-table.ts';
import { assetsPlan } from '../../gates/builtin/deploy/assets/upload-assets.ts';
import { specQuery } from '../../gates/builtin/deploy/data-snapshot.ts';
import { gateThresholds } from '../../gates/builtin/support/thresholds.ts';
import { findPassingRun } from '../../gates/history/find-passing-run.ts';
import { gitClean } from '../../gates/history/git-clean.ts';
import { gitHead } from '../../gates/history/git-head.ts';
import { planStage } from '../../gates/runner/plan-stage.ts';
import { liveDeployment } from '../ledger/live-deployment.ts';
import { makeRelease, releaseVersion } from '../release/make-release.ts';
import { openTarget } from '../target/open-target.ts';
import type { DeployRequest } from './deploy-request.ts';

export interface PlannedStep {
  step: string;
  actions: string[];
  /** SQL the step would run, each with its source. */
  sql?: { name: string; sql: string }[];
}

export interface DeployPlan {
  version: string;
  gitCommit: string | null;
  source: string;
  target: string;
  publicUrl: string;
  /** The deployment live now, which would become the previous one. */
  live: { deploymentId: string; version: string } | null;
  /** Variable names the release would run with (never their values). */
  envNames: string[];
  steps: PlannedStep[];
}

/** What `hermes deploy` would do, read without changing anything (no ledger row, no lock, no file). */
export async function planDeploy(request: DeployRequest): Promise<DeployPlan> {
  const { config, source } = request;
  const db = await request.openDatabase();
  try {
    const target = openTarget(request.target, source, config, db);
    const commit = await gitHead(source);
    const version = request.version ?? releaseVersion(packageVersion(source) ?? '0.0.0', commit);
    const release = makeRelease({
      cwd: source,
      config,
      env: request.env,
      version,
      deploymentId: null,
      given: request.given,
      configFile: request.configFile,
    });
    const live = await liveDeployment(db.pool).catch(() => null);
    const migrator = configuredMigrator(db.pool, source, config.migrations);
    const plan = await migrator.plan('up');
    const gates = allGates(config);
    const stageGates = (stage: 'pre-deploy' | 'post-deploy') =>
      planStage(gates, config, { stage }).gates.map((planned) => planned.gate.id);
    const preDeploy = async (): Promise<string[]> => {
      if (request.skip.includes('pre-deploy')) return [`skipped: ${request.reason ?? ''}`];
      const clean = commit !== null && (await gitClean(source)) === true;
      const maxAge = config.gates.thresholds.deploy.preDeploy.maxAge;
      const reused = clean
        ? await findPassingRun(db.pool, {
            stage: 'pre-deploy',
            gitCommit: commit,
            notBefore: new Date(Date.now() - maxAge),
          }).catch(() => null)
        : null;
      if (reused)
        return [`reuse the passing run ${reused.id} of this commit (${reused.finishedAt.toISOString()})`];
      return [`run the pre-deploy stage: ${stageGates('pre-deploy').join(', ')}`];
    };
    const health = config.gates.thresholds.deploy.health as Record<string, unknown>;
    const load = config.gates.thresholds.deploy.load as Record<string, unknown>;
    const steps: PlannedStep[] = [
      { step: 'pre-deploy', actions: await preDeploy() },
      {
        step: 'build.production',
        actions: [`esbuild ${config.gates.thresholds.build.production.entry} → ${release.bundleDir}`],
      },
      { step: 'assets.validate', actions: assetsPlan(config, source, target) },
      {
        step: 'db.backup',
        actions: [
          `pg_dump --format=custom into ${resolve(source, config.backup.dir)}/YYYY-MM-DD-HH-MM.dump (UTC)`,
        ],
      },
      {
        step: 'db.migrate.production',
        actions: [
          'the §2.2.2 query before and after; no lead may disappear or change its lead_id, no column its type',
          plan.steps.length === 0
            ? 'no pending migration'
            : `on a scratch database first: up, down, up; then under the lock: ${plan.steps.map((s) => s.name).join(', ')}`,
          ...plan.blockers.map((blocker) => `refused: ${blocker}`),
        ],
        sql: [
          { name: '§2.2.2', sql: specQuery(quoteRecords(gateThresholds(config).db.records)) },
          ...plan.steps.map((s) => ({ name: s.name, sql: s.upSql })),
        ],
      },
      { step: 'deploy.api', actions: await target.plan(release) },
      {
        step: 'health.deployment',
        actions: [
          `GET /health, /health/database, /health/n8n, /readyz on ${target.publicUrl} (${JSON.stringify(health)})`,
        ],
      },
      {
        step: 'load.deployment',
        actions: [`autocannon against ${target.publicUrl} (${JSON.stringify(load)})`],
      },
      { step: 'post-deploy', actions: [stageGates('post-deploy').join(', ') || 'no gate in this stage yet'] },
    ];
    return {
      version,
      gitCommit: commit,
      source,
      target: target.name,
      publicUrl: target.publicUrl,
      live: live ? { deploymentId: live.id, version: live.version } : null,
      envNames: Object.keys(release.env).sort(),
      steps,
    };
  } finally {
    await db.close();
  }
}
