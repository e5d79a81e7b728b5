import { describe, expect, it } from 'vitest';
import { finishDeployment } from '../../src/deploy/ledger/finish-deployment.ts';
import { markRolledBack } from '../../src/deploy/ledger/mark-rolled-back.ts';
import { startDeployment } from '../../src/deploy/ledger/start-deployment.ts';
import { updateDeployment } from '../../src/deploy/ledger/update-deployment.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import {
  deadProcessIdentity,
  newDeployment,
  setId,
  setRunner,
  setStartedAt,
} from '../deploy/support/ledger-rows.ts';
import { runCliInProcess } from './in-process-cli.ts';

const metricsKeys = [
  'deploymentId',
  'duration',
  'qualityGatesPassed',
  'qualityGatesTotal',
  'rollbackTriggered',
  'status',
  'success',
  'target',
  'timestamp',
  'version',
];

/** A rolled-back deployment, then a running one (this test process runs it: alive). */
async function twoDeployments(db: TestDatabase) {
  const old = await startDeployment(db.pool, newDeployment({ version: '1.0.0' }));
  await updateDeployment(db.pool, old.id, { gatesPassed: 20, gatesTotal: 20 });
  await finishDeployment(db.pool, old.id, { status: 'succeeded' });
  await markRolledBack(db.pool, old.id, 'error rate 7.2% > 5% over 5m');
  await setStartedAt(db.pool, old.id, new Date('2026-11-27T10:00:00Z'));
  const current = await startDeployment(db.pool, newDeployment({ version: '1.1.0', target: 'command' }));
  return { old, current };
}

describe('hermes deployments, as a user runs it', () => {
  it('list --json prints exactly the DeploymentMetrics fields (rollbackReason when there is one), newest first', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { old, current } = await twoDeployments(db);
    const result = await runCli(['deployments', 'list', '--json'], { env: { DATABASE_URL: db.url } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(listed.map((d) => Object.keys(d).sort())).toEqual([
      metricsKeys,
      [...metricsKeys, 'rollbackReason'].sort(),
    ]);
    expect(listed[0]).toMatchObject({
      deploymentId: current.id,
      success: false,
      status: 'running',
      target: 'command',
      version: '1.1.0',
      rollbackTriggered: false,
    });
    expect(listed[0]?.duration).toEqual(expect.any(Number));
    expect(listed[1]).toEqual({
      deploymentId: old.id,
      timestamp: '2026-11-27T10:00:00.000Z',
      duration: expect.any(Number) as unknown,
      success: false,
      qualityGatesPassed: 20,
      qualityGatesTotal: 20,
      rollbackTriggered: true,
      rollbackReason: 'error rate 7.2% > 5% over 5m',
      version: '1.0.0',
      status: 'rolled_back',
      target: 'local',
    });
  });

  it('show takes a prefix and prints the metrics with the details, its stage runs among them', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { old } = await twoDeployments(db);
    await db.pool.query(
      `INSERT INTO hermes_ops.gate_runs (id, stage, status, exit_code, started_at, finished_at, duration_ms,
         gates_total, gates_passed, gates_warned, gates_failed, gates_errored, gates_skipped, environment,
         hermes_version, host, deployment_id)
       VALUES ('00000000-0000-4000-8000-00000000000a', 'deploy', 'passed', 0, now(), now(), 0, 1, 1, 0, 0, 0, 0,
               'test', '0', 'h', $1)`,
      [old.id],
    );
    const result = await runCli(['deployments', 'show', old.id.slice(0, 8).toUpperCase(), '--json'], {
      env: { DATABASE_URL: db.url },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout) as Record<string, unknown> & { details: Record<string, unknown> };
    expect(Object.keys(shown).sort()).toEqual([...metricsKeys, 'details', 'rollbackReason'].sort());
    expect(shown.deploymentId).toBe(old.id);
    expect(shown.details).toMatchObject({
      gitCommit: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
      source: '/srv/shop',
      previousDeploymentId: null,
      skippedStages: [],
      skipReason: null,
      failedStep: null,
      rolledBackAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      gateRuns: [{ id: '00000000-0000-4000-8000-00000000000a', stage: 'deploy', status: 'passed' }],
    });
  });

  it('marks a deployment whose process is gone as failed, and says so on stderr', async () => {
    const db = await createTestDatabase({ migrate: true });
    const orphan = await startDeployment(db.pool, newDeployment({ version: '2.0.0' }));
    const dead = await deadProcessIdentity();
    await setRunner(db.pool, orphan.id, dead);
    const result = await runCli(['deployments', 'list', '--json'], { env: { DATABASE_URL: db.url } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(
      `hermes: deployment ${orphan.id.slice(0, 8)} (2.0.0) was interrupted and is now marked failed: the deploying process (pid ${String(dead.pid)} on ${dead.hostname}) is gone: it ended before the deployment finished\n`,
    );
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ deploymentId: orphan.id, status: 'failed', success: false }),
    ]);
    const { rows } = await db.pool.query('SELECT status, failed_step FROM hermes_ops.deployments');
    expect(rows).toEqual([{ status: 'failed', failed_step: 'interrupted' }]);
  });

  it('refuses a bad --limit before connecting: exit 2, naming the option, what was expected and what was got', async () => {
    const result = await runCli(['deployments', 'list', '--limit', '0'], {
      env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' },
    });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'hermes: --limit: expected an integer from 1 to 10000, got "0" [usage_invalid]\n' +
        '    run `hermes deployments list --help` for the usage\n',
    });
  });
});

describe('hermes deployments: what a reader gets', () => {
  const cli = (db: TestDatabase, ...args: string[]) =>
    runCliInProcess(args, { env: { DATABASE_URL: db.url } });

  it('says the ledger is empty, then lists and shows a deployment in words', async () => {
    const db = await createTestDatabase({ migrate: true });
    expect(await cli(db, 'deployments', 'list')).toEqual({
      code: 0,
      stdout: 'no deployments recorded\n',
      stderr: '',
    });
    const { id } = await startDeployment(db.pool, newDeployment());
    await finishDeployment(db.pool, id, {
      status: 'failed',
      failedStep: 'migrate',
      failureReason: 'lock timeout',
    });
    await setId(db.pool, id, '5e5e5e5e-0000-4000-8000-000000000001');
    await setStartedAt(db.pool, '5e5e5e5e-0000-4000-8000-000000000001', new Date('2026-11-27T10:00:00Z'));

    const list = await cli(db, 'deployments', 'list', '--limit', '1');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n')[0]).toBe(
      'ID        STARTED               VERSION        TARGET  STATUS  GATES  DURATION  ROLLBACK',
    );
    expect(list.stdout.split('\n')[1]).toMatch(
      /^5e5e5e5e {2}2026-11-27T10:00:00Z {2}1\.4\.0\+9f8e7d6 {2}local {3}failed {2}0\/0 {4}\S.* {2}-$/,
    );

    const show = await cli(db, 'deployments', 'show', '5e5e5e5e');
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('\nstatus      failed\nfailed at   migrate: lock timeout\n');
  });

  it('exits 1 for an unknown id, 2 for an ambiguous prefix or one too short', async () => {
    const db = await createTestDatabase({ migrate: true });
    for (const n of [1, 2]) {
      const { id } = await startDeployment(db.pool, newDeployment());
      await setId(db.pool, id, `7777aaaa-0000-4000-8000-00000000000${String(n)}`);
    }
    expect(await cli(db, 'deployments', 'show', '7777bbbb')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'hermes: no deployment 7777bbbb [deployment_not_found]\n  - see hermes deployments list\n',
    });
    const ambiguous = await cli(db, 'deployments', 'show', '7777aaaa');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/^hermes: 7777aaaa matches 2 deployments \[deployment_id_ambiguous\]\n/);
    expect(ambiguous.stderr).toContain('  - give more of the id\n');
    expect(await cli(db, 'deployments', 'show', '7777')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'hermes: id: expected a deployment id, or its first 8 or more hex digits, got "7777" [usage_invalid]\n' +
        '    run `hermes deployments show --help` for the usage\n',
    });
  });

  it('names the command that makes the ledger on a database without it (exit 2)', async () => {
    const empty = await createTestDatabase();
    expect(await cli(empty, 'deployments', 'list')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'hermes: hermes_ops.deployments does not exist [deployments_ledger_missing]\n' +
        '  - run `hermes migrate up` (Hermes) or `hermes ops init` (another project) first\n',
    });
    // Migrated to the ledger but not to the gate runs that point to it.
    const half = await createTestDatabase({ migrate: true });
    const { id } = await startDeployment(half.pool, newDeployment());
    await half.pool.query('ALTER TABLE hermes_ops.gate_runs DROP COLUMN deployment_id');
    expect(await cli(half, 'deployments', 'show', id)).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'hermes: the deployments ledger is older than this Hermes [deployments_ledger_missing]\n' +
        '  - run `hermes migrate up` (Hermes) or `hermes ops init` (another project) first\n',
    });
  });
});
