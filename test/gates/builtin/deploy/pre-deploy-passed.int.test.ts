import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../../src/deploy/ledger/deployment.ts';
import { startDeployment } from '../../../../src/deploy/ledger/start-deployment.ts';
import { preDeployPassedGate } from '../../../../src/gates/builtin/deploy/pre-deploy-passed.ts';
import type { PipelineHooks } from '../../../../src/gates/builtin/deploy/pipeline-hooks.ts';
import type { Stage } from '../../../../src/gates/gate.ts';
import { recordGateRun } from '../../../../src/gates/history/record-gate-run.ts';
import type { RunStatus, StageRun } from '../../../../src/gates/stage-run-result.ts';
import { formatDuration } from '../../../../src/text/duration.ts';
import { afterThisTest } from '../../../support/after-this-test.ts';
import { git } from '../../../support/git.ts';
import { createTestDatabase, type TestDatabase } from '../../../support/test-database.ts';
import { gateContext, makeProject, unreachableUrl, type TestGateContext } from '../support/gate-context.ts';

/**
 * deploy.pre-deploy (§5.1): the deployment's first step. Real PostgreSQL (runs recorded by the
 * history's own writer), real git checkouts.
 */

const minute = 60_000;
const hour = 60 * minute;

/** The hooks as the pipeline gives them, for `deployment` (null: the step run on its own). */
function hooksFor(deployment: Deployment | null): PipelineHooks {
  const refuse = () => Promise.reject(new Error('deploy.pre-deploy asks for no target or release'));
  return {
    releaseUrl: refuse,
    record: () => Promise.resolve(),
    deployment: () => Promise.resolve(deployment),
    target: refuse,
    release: refuse,
    prepared: () => undefined,
    activated: () => undefined,
  };
}

/** A directory that is not a git checkout, removed after the test. */
function plainDir(): string {
  const project = makeProject({ 'README.md': 'shop\n', 'package.json': '{"version":"1.0.0"}\n' });
  afterThisTest(() => {
    project.remove();
    return Promise.resolve();
  });
  return project.dir;
}

/** A git checkout with one commit, removed after the test; its HEAD. */
function checkout(): { dir: string; head: string } {
  const dir = plainDir();
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'first');
  return { dir, head: git(dir, 'rev-parse', 'HEAD') };
}

interface RunSpec {
  commit: string | null;
  deploymentId?: string | null;
  status?: RunStatus;
  stage?: Stage;
  /** How long before now the run started (it took a second). */
  ago?: number;
}

/** Records a stage run as `hermes gates run` does (recordGateRun); its id and when it finished. */
async function recordRun(ctx: TestGateContext, spec: RunSpec): Promise<{ id: string; finishedAt: string }> {
  const status = spec.status ?? 'passed';
  const startedAt = new Date(Date.now() - (spec.ago ?? minute));
  const run: StageRun = {
    id: randomUUID(),
    stage: spec.stage ?? 'pre-deploy',
    status,
    exitCode: status === 'passed' ? 0 : status === 'failed' ? 1 : 2,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + 1_000).toISOString(),
    durationMs: 1_000,
    counts: { pass: 0, warn: 0, fail: 0, skip: 0, error: 0, total: 0 },
    results: [],
    only: null,
    environment: 'test',
    hermesVersion: '0.1.0',
    host: 'test-host',
    notes: [],
    history: { recorded: false },
  };
  const recorded = await recordGateRun(() => ctx.database(), run, {
    gitCommit: spec.commit,
    deploymentId: spec.deploymentId ?? null,
  });
  expect(recorded).toEqual({ recorded: true });
  return { id: run.id, finishedAt: run.finishedAt };
}

function contextFor(db: TestDatabase, cwd: string, maxAge = '1h'): TestGateContext {
  return gateContext({
    databaseUrl: db.url,
    cwd,
    config: { gates: { thresholds: { deploy: { preDeploy: { maxAge } } } } },
  });
}

const deploymentOf = (db: TestDatabase, commit: string | null, skip?: { reason: string }) =>
  startDeployment(db.pool, {
    version: '1.0.0',
    gitCommit: commit,
    source: '/srv/shop',
    target: 'local',
    ...(skip ? { skippedStages: ['pre-deploy'], skipReason: skip.reason } : {}),
  });

describe('deploy.pre-deploy', () => {
  it('warns, with the reason, when the deployment skips the pre-deploy stage', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { dir, head } = checkout();
    const deployment = await deploymentOf(db, head, { reason: 'hotfix for INC-42' });
    // No run at all: the skip alone decides.
    const outcome = await preDeployPassedGate(hooksFor(deployment)).run(contextFor(db, dir));
    expect(outcome).toEqual({
      status: 'warn',
      summary: 'pre-deploy skipped by --skip pre-deploy: hotfix for INC-42',
    });
  });

  it('passes, naming the run, when the pre-deploy stage passed in this deployment', async () => {
    const db = await createTestDatabase({ migrate: true });
    // Outside git on purpose: the deployment's own run needs no commit to match.
    const ctx = contextFor(db, plainDir());
    const deployment = await deploymentOf(db, null);
    const gate = preDeployPassedGate(hooksFor(deployment));
    // Another deployment's passing run (the newest) does not count for this one, nor does its failed run.
    const other = await deploymentOf(db, null);
    await recordRun(ctx, { commit: null, deploymentId: other.id, ago: 10_000 });
    await recordRun(ctx, { commit: null, deploymentId: deployment.id, status: 'failed', ago: 20_000 });
    expect((await gate.run(ctx)).status).toBe('fail');
    const { id: runId } = await recordRun(ctx, {
      commit: null,
      deploymentId: deployment.id,
      ago: 2 * minute,
    });
    const outcome = await gate.run(ctx);
    expect(outcome).toEqual({
      status: 'pass',
      summary: `the pre-deploy stage passed in this deployment (run ${runId})`,
    });
  });

  it('passes for a passing run of the same commit within maxAge, on a clean checkout', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { dir, head } = checkout();
    const ctx = contextFor(db, dir);
    const passing = await recordRun(ctx, { commit: head, ago: 30 * minute });
    const outcome = await preDeployPassedGate(hooksFor(null)).run(ctx);
    expect(outcome).toEqual({
      status: 'pass',
      summary: `pre-deploy passed for ${head.slice(0, 12)} at ${passing.finishedAt} (run ${passing.id})`,
    });
    // A deployment with no run of its own reuses it too (what `hermes deploy` does for a fresh run).
    const deployment = await deploymentOf(db, head);
    expect((await preDeployPassedGate(hooksFor(deployment)).run(ctx)).status).toBe('pass');
  });

  it('fails when the only passing run of the commit is older than maxAge', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { dir, head } = checkout();
    const ctx = contextFor(db, dir, '1h');
    await recordRun(ctx, { commit: head, ago: 2 * hour });
    const outcome = await preDeployPassedGate(hooksFor(null)).run(ctx);
    expect(outcome).toEqual({
      status: 'fail',
      summary: `no passing pre-deploy run of ${head.slice(0, 12)} in the last ${formatDuration(hour)}`,
    });
    // The same run within a longer maxAge counts: the age is what failed it.
    expect((await preDeployPassedGate(hooksFor(null)).run(contextFor(db, dir, '3h'))).status).toBe('pass');
  });

  it('fails when the commit has only failed runs (or passing runs of other commits or stages)', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { dir, head } = checkout();
    const ctx = contextFor(db, dir);
    await recordRun(ctx, { commit: head, status: 'failed' });
    await recordRun(ctx, { commit: head, status: 'error' });
    await recordRun(ctx, { commit: head, stage: 'post-deploy' });
    await recordRun(ctx, { commit: '0'.repeat(40) });
    const outcome = await preDeployPassedGate(hooksFor(null)).run(ctx);
    expect(outcome).toEqual({
      status: 'fail',
      summary: `no passing pre-deploy run of ${head.slice(0, 12)} in the last ${formatDuration(hour)}`,
    });
  });

  it('fails on a checkout with uncommitted changes, even with a passing run of its commit', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { dir, head } = checkout();
    const ctx = contextFor(db, dir);
    await recordRun(ctx, { commit: head });
    writeFileSync(join(dir, 'UNTRACKED.md'), 'not in the commit\n');
    const outcome = await preDeployPassedGate(hooksFor(null)).run(ctx);
    expect(outcome).toEqual({
      status: 'fail',
      summary: `the checkout has uncommitted changes: the passing run of ${head.slice(0, 12)} does not cover them`,
    });
  });

  it('fails outside a git checkout: no commit to match a run with', async () => {
    const db = await createTestDatabase({ migrate: true });
    const ctx = contextFor(db, plainDir());
    // A passing run recorded outside git has no commit: it must not match either.
    await recordRun(ctx, { commit: null });
    const outcome = await preDeployPassedGate(hooksFor(null)).run(ctx);
    expect(outcome).toEqual({
      status: 'fail',
      summary: 'no passing pre-deploy run: the source is not a git checkout, so none can be matched',
    });
  });

  it('is an error, with the reason, when the database is unreachable', async () => {
    const { dir } = checkout();
    const ctx = gateContext({ databaseUrl: unreachableUrl, cwd: dir });
    const outcome = await preDeployPassedGate(hooksFor(null)).run(ctx);
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toBe('cannot tell whether the pre-deploy stage passed');
    expect(outcome.reason).toMatch(/\S/);
    await expect(ctx.database()).rejects.toThrow(outcome.reason);
  });
});
