import { describe, expect, it } from 'vitest';
import { deploymentStatuses, deploymentTargets } from '../../src/deploy/ledger/deployment.ts';
import { useTestDatabase } from '../support/test-database.ts';

// The ledger's own rules, held by its check constraints whoever writes the row.
const db = useTestDatabase();

/** A valid finished deployment; each case changes some columns. */
const valid: Record<string, unknown> = {
  id: null,
  version: '1.0.0',
  source: '/srv/shop',
  target: 'local',
  status: 'succeeded',
  started_at: '2026-11-27T10:00:00Z',
  finished_at: '2026-11-27T10:01:00Z',
  duration_ms: 60_000,
  runner_pid: 4242,
  runner_host: 'deploy-1',
  hermes_version: '0.1.0',
};

let next = 0;
function insert(changes: Record<string, unknown>) {
  next += 1;
  const row = { ...valid, id: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`, ...changes };
  const columns = Object.keys(row);
  return db.pool.query(
    `INSERT INTO hermes_ops.deployments (${columns.join(', ')})
     VALUES (${columns.map((_, i) => `$${String(i + 1)}`).join(', ')})`,
    Object.values(row),
  );
}

const refusals: [string, Record<string, unknown>, string][] = [
  ['an unknown target', { target: 'heroku' }, 'deployments_target_check'],
  ['an unknown status', { status: 'done' }, 'deployments_status_check'],
  [
    'a running deployment with an end',
    { status: 'running', duration_ms: null },
    'deployments_finished_check',
  ],
  [
    'a finished deployment without an end',
    { finished_at: null, duration_ms: null },
    'deployments_finished_check',
  ],
  ['an end without a duration', { duration_ms: null }, 'deployments_finished_duration_check'],
  ['a negative duration', { duration_ms: -1 }, 'deployments_duration_check'],
  ['a failure without its step', { status: 'failed' }, 'deployments_failed_step_check'],
  ['more gates passed than run', { gates_passed: 3, gates_total: 2 }, 'deployments_gates_check'],
  ['a negative gate count', { gates_passed: -1 }, 'deployments_gates_check'],
  [
    'a skipped stage that is none',
    { skipped_stages: ['build'], skip_reason: 'x' },
    'deployments_skipped_stages_check',
  ],
  ['a skip without its reason', { skipped_stages: ['pre-deploy'] }, 'deployments_skip_reason_check'],
  [
    'a rollback without its time',
    { status: 'rolled_back', rollback_triggered: true },
    'deployments_rolled_back_at_check',
  ],
  [
    'a rollback time on a live deployment',
    { rolled_back_at: '2026-11-27T11:00:00Z' },
    'deployments_rolled_back_at_check',
  ],
  [
    'a rollback not triggered',
    { status: 'rolled_back', rolled_back_at: '2026-11-27T11:00:00Z' },
    'deployments_rolled_back_check',
  ],
  ['a rollback reason without a rollback', { rollback_reason: 'why' }, 'deployments_rollback_reason_check'],
  ['a pid that is no process', { runner_pid: 0 }, 'deployments_runner_pid_check'],
];

describe('hermes_ops.deployments', () => {
  it('takes a valid row, and each of the ledger’s states', async () => {
    await expect(insert({})).resolves.toMatchObject({ rowCount: 1 });
    await expect(insert({ status: 'running', finished_at: null, duration_ms: null })).resolves.toBeDefined();
    await expect(insert({ status: 'failed', failed_step: 'interrupted' })).resolves.toBeDefined();
    await expect(
      insert({
        status: 'rolled_back',
        rollback_triggered: true,
        rollback_reason: 'error rate',
        rolled_back_at: '2026-11-27T11:00:00Z',
        skipped_stages: ['pre-deploy'],
        skip_reason: 'a passing run of this commit',
      }),
    ).resolves.toBeDefined();
  });

  it.each(refusals)('refuses %s', async (_what, changes, constraint) => {
    await expect(insert(changes)).rejects.toMatchObject({ code: '23514', constraint });
  });

  it('holds the same targets and statuses as the code’s lists', async () => {
    const listed = async (constraint: string) => {
      const { rows } = await db.pool.query<{ definition: string }>(
        'SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = $1',
        [constraint],
      );
      return [...(rows[0]?.definition ?? '').matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]);
    };
    expect(await listed('deployments_target_check')).toEqual([...deploymentTargets]);
    expect(await listed('deployments_status_check')).toEqual([...deploymentStatuses]);
  });

  it('refuses a previous deployment that does not exist', async () => {
    await expect(
      insert({ previous_deployment_id: '99999999-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({
      code: '23503',
      constraint: 'deployments_previous_deployment_id_fkey',
    });
  });
});
