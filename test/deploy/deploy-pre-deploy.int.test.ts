import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDeployFixture } from './support/deploy-fixture.ts';

/**
 * The pipeline's first step: the pre-deploy stage runs (and a failure stops everything), a
 * passing run of the same clean commit is reused, and one deployment runs at a time. The
 * built-in pre-deploy gates are switched off here (their own tests judge them); one custom gate
 * stands for the stage.
 */

const builtinPreDeploy = [
  'code.lint',
  'code.types',
  'code.format',
  'security.dependencies',
  'security.code',
  'db.connectivity',
  'db.migrations.reversible',
  'db.migrations.lint',
  'db.schema.breaking',
  'db.schema.foreign-keys',
  'db.schema.indexes',
  'db.migrations.applied',
  'db.schema.drift',
  'db.integrity',
  'db.query-plans',
  'tests.unit',
  'tests.coverage',
  'tests.integration',
  'tests.performance',
  'env.variables',
];

const customGates = [
  '  custom:',
  '    - { id: team.ready, kind: shell, stage: pre-deploy, command: "test -f READY" }',
];

const fx = useDeployFixture();

const hermes = (args: string[]) => fx.hermes(['--json', ...args]);

async function count(sql: string): Promise<number> {
  return Number((await fx.db.pool.query<{ n: string }>(sql)).rows[0]?.n);
}

beforeAll(() => {
  fx.source.writeConfig({ disabled: builtinPreDeploy, gates: customGates });
});

describe('hermes deploy: the pre-deploy step', () => {
  it('a failing pre-deploy gate stops the deployment before anything is built or started', async () => {
    const result = await hermes(['deploy', '--no-reports']);
    expect(result.code).toBe(1);
    const failed = JSON.parse(result.stdout) as { deploymentId: string; status: string; failedStep: string };
    expect(failed).toMatchObject({ status: 'failed', failedStep: 'team.ready' });
    expect(result.stderr).toContain('failed at team.ready');
    expect(existsSync(join(fx.source.stateDir, 'local-target.json'))).toBe(false);
    expect(existsSync(join(fx.source.dir, 'dist', 'production'))).toBe(false);
    expect(
      await count(
        `SELECT count(*) AS n FROM hermes_ops.gate_runs WHERE stage = 'pre-deploy' AND deployment_id = '${failed.deploymentId}'`,
      ),
    ).toBe(1);
  }, 120_000);

  it('refuses a second deployment while one holds the lock, recording nothing', async () => {
    const client = await fx.db.pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock(hashtext('hermes:deploy'))");
      const before = await count('SELECT count(*) AS n FROM hermes_ops.deployments');
      const result = await hermes(['deploy', '--skip', 'pre-deploy', '--reason', 'locked', '--no-reports']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('deploy_in_progress');
      expect(await count('SELECT count(*) AS n FROM hermes_ops.deployments')).toBe(before);
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('hermes:deploy'))");
      client.release();
    }
  }, 120_000);

  it('runs the pre-deploy stage for the deployment, and then deploys', async () => {
    fx.source.commit('READY', 'ready\n', 'ready');
    const result = await hermes(['deploy', '--no-reports']);
    expect(result.code, result.stderr).toBe(0);
    const done = JSON.parse(result.stdout) as { deploymentId: string; status: string };
    expect(done.status).toBe('succeeded');
    expect(result.stderr).toContain('== pre-deploy');
    expect(
      await count(
        `SELECT count(*) AS n FROM hermes_ops.gate_runs WHERE stage = 'pre-deploy' AND status = 'passed' AND deployment_id = '${done.deploymentId}'`,
      ),
    ).toBe(1);
  }, 240_000);

  it('reuses the passing run of the same clean commit instead of running the stage again', async () => {
    const runs = await count(`SELECT count(*) AS n FROM hermes_ops.gate_runs WHERE stage = 'pre-deploy'`);
    const result = await hermes(['deploy', '--no-reports']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/pre-deploy: passed for this commit at .* not run again/);
    expect(await count(`SELECT count(*) AS n FROM hermes_ops.gate_runs WHERE stage = 'pre-deploy'`)).toBe(
      runs,
    );
  }, 240_000);

  it('does not reuse it for a checkout with uncommitted changes (the plan says it would run the stage)', async () => {
    const clean = await hermes(['deploy', '--dry-run']);
    expect(clean.stdout).toContain('reuse the passing run');
    writeFileSync(join(fx.source.dir, 'UNCOMMITTED'), 'change\n');
    const dirty = await hermes(['deploy', '--dry-run']);
    expect(dirty.code, dirty.stderr).toBe(0);
    expect(dirty.stdout).toContain('run the pre-deploy stage: team.ready');
  }, 120_000);
});
