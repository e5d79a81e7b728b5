import { describe, expect, it } from 'vitest';
import { currentProcessIdentity, livenessOf } from '../../src/db/process-identity.ts';
import { getDeployment } from '../../src/deploy/ledger/get-deployment.ts';
import { finishDeployment } from '../../src/deploy/ledger/finish-deployment.ts';
import { interruptedStep, markInterrupted } from '../../src/deploy/ledger/mark-interrupted.ts';
import { startDeployment } from '../../src/deploy/ledger/start-deployment.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { deadProcessIdentity, newDeployment, setRunner } from './support/ledger-rows.ts';

describe('markInterrupted', () => {
  it('fails the running deployments whose process is dead, and only those', async () => {
    const db = await createTestDatabase({ migrate: true });
    const dead = await deadProcessIdentity();
    expect(livenessOf(dead)).toBe('dead');

    const orphan = await startDeployment(db.pool, newDeployment({ version: 'orphan' }));
    await setRunner(db.pool, orphan.id, dead);
    // This process runs it: alive.
    const alive = await startDeployment(db.pool, newDeployment({ version: 'alive' }));
    // Another host's process cannot be seen from here: unknown, so it stays running.
    const elsewhere = await startDeployment(db.pool, newDeployment({ version: 'elsewhere' }));
    await setRunner(db.pool, elsewhere.id, { ...currentProcessIdentity(), hostname: 'deploy-2.invalid' });
    // Finished by a process that is gone since: not running, not touched.
    const done = await startDeployment(db.pool, newDeployment({ version: 'done' }));
    await finishDeployment(db.pool, done.id, { status: 'succeeded' });
    await setRunner(db.pool, done.id, dead);

    const marked = await markInterrupted(db.pool);
    expect(marked.map((d) => d.version)).toEqual(['orphan']);
    expect(marked[0]).toMatchObject({
      id: orphan.id,
      status: 'failed',
      failedStep: interruptedStep,
      failureReason: `the deploying process (pid ${String(dead.pid)} on ${dead.hostname}) is gone: it ended before the deployment finished`,
    });
    expect(marked[0]?.finishedAt).toBeInstanceOf(Date);
    expect(marked[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(await getDeployment(db.pool, orphan.id)).toMatchObject({
      status: 'failed',
      failedStep: 'interrupted',
    });
    expect((await getDeployment(db.pool, alive.id)).status).toBe('running');
    expect((await getDeployment(db.pool, elsewhere.id)).status).toBe('running');
    expect((await getDeployment(db.pool, done.id)).status).toBe('succeeded');

    // Marked once: a second look finds nothing more to mark.
    expect(await markInterrupted(db.pool)).toEqual([]);
  });
});
