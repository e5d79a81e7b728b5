import { describe, expect, it } from 'vitest';
import { currentProcessIdentity } from '../../src/db/process-identity.ts';
import { finishDeployment } from '../../src/deploy/ledger/finish-deployment.ts';
import { getDeployment } from '../../src/deploy/ledger/get-deployment.ts';
import { listDeploymentGateRuns } from '../../src/deploy/ledger/deployment-gate-runs.ts';
import { listDeployments } from '../../src/deploy/ledger/list-deployments.ts';
import { liveDeployment } from '../../src/deploy/ledger/live-deployment.ts';
import { markRolledBack } from '../../src/deploy/ledger/mark-rolled-back.ts';
import { startDeployment } from '../../src/deploy/ledger/start-deployment.ts';
import { updateDeployment } from '../../src/deploy/ledger/update-deployment.ts';
import { hermesVersion } from '../../src/observability/version.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { newDeployment, setId, setStartedAt } from './support/ledger-rows.ts';

// The deployments ledger on a real, migrated database.

describe('a deployment’s life in the ledger', () => {
  it('starts running by this process, learns what the pipeline tells it, and finishes with its duration', async () => {
    const db = await createTestDatabase({ migrate: true });
    const started = await startDeployment(
      db.pool,
      newDeployment({ skippedStages: ['pre-deploy'], skipReason: 'passing pre-deploy run of this commit' }),
    );
    expect(started).toMatchObject({
      version: '1.4.0+9f8e7d6',
      gitCommit: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
      source: '/srv/shop',
      target: 'local',
      status: 'running',
      previousDeploymentId: null,
      finishedAt: null,
      durationMs: null,
      gatesPassed: 0,
      gatesTotal: 0,
      skippedStages: ['pre-deploy'],
      skipReason: 'passing pre-deploy run of this commit',
      rollbackTriggered: false,
      runner: currentProcessIdentity(),
      hermesVersion,
    });
    expect(started.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const updated = await updateDeployment(db.pool, started.id, {
      releaseHandle: 'green',
      gatesPassed: 14,
      gatesTotal: 15,
      backupName: '2026-11-27-10-00',
      schemaVersionBefore: '0041',
      schemaVersionAfter: '0042',
    });
    expect(updated).toMatchObject({
      releaseHandle: 'green',
      gatesPassed: 14,
      gatesTotal: 15,
      backupName: '2026-11-27-10-00',
      schemaVersionBefore: '0041',
      schemaVersionAfter: '0042',
      status: 'running',
    });
    // A later patch changes only what it names; null clears.
    const again = await updateDeployment(db.pool, started.id, { backupName: null, gatesPassed: 15 });
    expect(again).toMatchObject({
      backupName: null,
      gatesPassed: 15,
      gatesTotal: 15,
      releaseHandle: 'green',
    });

    const finished = await finishDeployment(db.pool, started.id, { status: 'succeeded' });
    expect(finished.status).toBe('succeeded');
    expect(finished.finishedAt).not.toBeNull();
    // Measured on the database's microseconds; the Dates keep milliseconds.
    const elapsed = (finished.finishedAt?.getTime() ?? NaN) - started.startedAt.getTime();
    expect(Math.abs((finished.durationMs ?? NaN) - elapsed)).toBeLessThanOrEqual(1);
    expect(await getDeployment(db.pool, started.id)).toEqual({
      ...finished,
      readAt: expect.any(Date) as unknown,
    });
  });

  it('records a failure with its step and reason', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { id } = await startDeployment(db.pool, newDeployment());
    const failed = await finishDeployment(db.pool, id, {
      status: 'failed',
      failedStep: 'migrate',
      failureReason: '0042_add_x failed: lock timeout',
    });
    expect(failed).toMatchObject({
      status: 'failed',
      failedStep: 'migrate',
      failureReason: '0042_add_x failed: lock timeout',
    });
  });

  it('refuses to finish or update a deployment that is not running, and one that does not exist', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { id } = await startDeployment(db.pool, newDeployment());
    await finishDeployment(db.pool, id, { status: 'succeeded' });
    await expect(
      finishDeployment(db.pool, id, { status: 'failed', failedStep: 'x', failureReason: 'y' }),
    ).rejects.toMatchObject({
      code: 'deployment_status_conflict',
      message: `cannot finish deployment ${id}: it is succeeded`,
    });
    await expect(updateDeployment(db.pool, id, { releaseHandle: 'blue' })).rejects.toMatchObject({
      code: 'deployment_status_conflict',
      message: `cannot update deployment ${id}: it is succeeded`,
    });
    // Unchanged by the refusals.
    expect(await getDeployment(db.pool, id)).toMatchObject({
      status: 'succeeded',
      failedStep: null,
      releaseHandle: null,
    });
    const nobody = '00000000-0000-4000-8000-000000000000';
    await expect(finishDeployment(db.pool, nobody, { status: 'succeeded' })).rejects.toMatchObject({
      code: 'deployment_not_found',
    });
  });

  it('rolls back a finished deployment once, with its reason; never a running one', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { id } = await startDeployment(db.pool, newDeployment());
    await expect(markRolledBack(db.pool, id, 'too early')).rejects.toMatchObject({
      code: 'deployment_status_conflict',
      message: `cannot roll back deployment ${id}: it is running`,
    });
    await finishDeployment(db.pool, id, { status: 'succeeded' });
    await expect(markRolledBack(db.pool, id, '  ')).rejects.toMatchObject({ code: 'invalid_argument' });
    const rolledBack = await markRolledBack(db.pool, id, 'error rate 7.2% > 5% over 5m');
    expect(rolledBack).toMatchObject({
      status: 'rolled_back',
      rollbackTriggered: true,
      rollbackReason: 'error rate 7.2% > 5% over 5m',
    });
    expect(rolledBack.rolledBackAt).toBeInstanceOf(Date);
    await expect(markRolledBack(db.pool, id, 'again')).rejects.toMatchObject({
      code: 'deployment_status_conflict',
      message: `cannot roll back deployment ${id}: it is rolled_back`,
    });
  });
});

describe('reading the ledger', () => {
  it('lists the latest first, as many as asked', async () => {
    const db = await createTestDatabase({ migrate: true });
    const ids: string[] = [];
    for (const [i, minute] of [10, 30, 20].entries()) {
      const { id } = await startDeployment(db.pool, newDeployment({ version: `1.0.${String(i)}` }));
      await setStartedAt(db.pool, id, new Date(`2026-11-27T10:${String(minute)}:00Z`));
      ids.push(id);
    }
    const all = await listDeployments(db.pool, { limit: 10 });
    expect(all.map((d) => d.version)).toEqual(['1.0.1', '1.0.2', '1.0.0']);
    expect((await listDeployments(db.pool, { limit: 2 })).map((d) => d.id)).toEqual([ids[1], ids[2]]);
    expect(await listDeployments(await emptyLedger(), { limit: 10 })).toEqual([]);
  });

  it('finds a deployment by a unique prefix of 8+ hex digits, in any case; not an ambiguous or unknown one', async () => {
    const db = await createTestDatabase({ migrate: true });
    const a = await startDeployment(db.pool, newDeployment({ version: 'a' }));
    const b = await startDeployment(db.pool, newDeployment({ version: 'b' }));
    const c = await startDeployment(db.pool, newDeployment({ version: 'c' }));
    await setId(db.pool, a.id, 'abcdef01-1111-4000-8000-000000000001');
    await setId(db.pool, b.id, 'abcdef01-2222-4000-8000-000000000002');
    await setId(db.pool, c.id, 'abcdef02-3333-4000-8000-000000000003');

    expect((await getDeployment(db.pool, 'abcdef02')).version).toBe('c');
    expect((await getDeployment(db.pool, 'ABCDEF01-2')).version).toBe('b');
    expect((await getDeployment(db.pool, 'abcdef01-1111-4000-8000-000000000001')).version).toBe('a');
    await expect(getDeployment(db.pool, 'abcdef01')).rejects.toMatchObject({
      code: 'deployment_id_ambiguous',
      message: 'abcdef01 matches 2 deployments',
    });
    await expect(getDeployment(db.pool, 'abcdef03')).rejects.toMatchObject({
      code: 'deployment_not_found',
      message: 'no deployment abcdef03',
    });
    await expect(getDeployment(db.pool, 'abcdef')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('knows the live deployment: the newest that succeeded, not failed, running or rolled back', async () => {
    const db = await createTestDatabase({ migrate: true });
    expect(await liveDeployment(db.pool)).toBeNull();
    const first = await startDeployment(db.pool, newDeployment({ version: '1' }));
    expect(first.previousDeploymentId).toBeNull();
    await finishDeployment(db.pool, first.id, { status: 'succeeded' });

    const second = await startDeployment(db.pool, newDeployment({ version: '2' }));
    // The one live when it started.
    expect(second.previousDeploymentId).toBe(first.id);
    await finishDeployment(db.pool, second.id, { status: 'succeeded' });
    expect((await liveDeployment(db.pool))?.id).toBe(second.id);

    const failed = await startDeployment(db.pool, newDeployment({ version: '3' }));
    expect(failed.previousDeploymentId).toBe(second.id);
    await finishDeployment(db.pool, failed.id, { status: 'failed', failedStep: 'build', failureReason: 'x' });
    await startDeployment(db.pool, newDeployment({ version: '4' }));
    expect((await liveDeployment(db.pool))?.id).toBe(second.id);

    await markRolledBack(db.pool, second.id, 'p95 1400ms > 1000ms');
    expect((await liveDeployment(db.pool))?.id).toBe(first.id);
    await markRolledBack(db.pool, first.id, 'bad too');
    expect(await liveDeployment(db.pool)).toBeNull();
  });

  it('lists a deployment’s stage runs in the order they ran, not other deployments’ or plain runs', async () => {
    const db = await createTestDatabase({ migrate: true });
    const mine = await startDeployment(db.pool, newDeployment());
    const other = await startDeployment(db.pool, newDeployment());
    const run = (id: string, stage: string, status: string, deploymentId: string | null, minute: number) =>
      db.pool.query(
        `INSERT INTO hermes_ops.gate_runs (id, stage, status, exit_code, started_at, finished_at, duration_ms,
           gates_total, gates_passed, gates_warned, gates_failed, gates_errored, gates_skipped, environment,
           hermes_version, host, deployment_id)
         VALUES ($1, $2, $3, 0, $4, $4, 0, 1, 1, 0, 0, 0, 0, 'test', '0', 'h', $5)`,
        [id, stage, status, new Date(`2026-11-27T10:0${String(minute)}:00Z`), deploymentId],
      );
    await run('00000000-0000-4000-8000-00000000000b', 'post-deploy', 'failed', mine.id, 2);
    await run('00000000-0000-4000-8000-00000000000a', 'deploy', 'passed', mine.id, 1);
    await run('00000000-0000-4000-8000-00000000000c', 'deploy', 'passed', other.id, 1);
    await run('00000000-0000-4000-8000-00000000000d', 'pre-deploy', 'passed', null, 0);
    const runs = await listDeploymentGateRuns(db.pool, mine.id);
    expect(runs.map(({ id, stage, status }) => ({ id, stage, status }))).toEqual([
      { id: '00000000-0000-4000-8000-00000000000a', stage: 'deploy', status: 'passed' },
      { id: '00000000-0000-4000-8000-00000000000b', stage: 'post-deploy', status: 'failed' },
    ]);
    // A deleted deployment leaves its runs in the gate history, pointing nowhere.
    await db.pool.query('DELETE FROM hermes_ops.deployments WHERE id = $1', [other.id]);
    const { rows } = await db.pool.query('SELECT deployment_id FROM hermes_ops.gate_runs WHERE id = $1', [
      '00000000-0000-4000-8000-00000000000c',
    ]);
    expect(rows).toEqual([{ deployment_id: null }]);
  });
});

async function emptyLedger() {
  return (await createTestDatabase({ migrate: true })).pool;
}
