import { describe, expect, it } from 'vitest';
import { findPassingRun } from '../../src/gates/history/find-passing-run.ts';
import { useTestDatabase } from '../support/test-database.ts';

// What the deploy pipeline asks before running pre-deploy: a recent passing run of this commit.
const db = useTestDatabase();
const commit = 'a'.repeat(40);
const otherCommit = 'b'.repeat(40);

let next = 0;
async function run(
  stage: string,
  status: string,
  gitCommit: string | null,
  startedAt: string,
): Promise<string> {
  next += 1;
  const id = `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`;
  await db.pool.query(
    `INSERT INTO hermes_ops.gate_runs (id, stage, status, exit_code, started_at, finished_at, duration_ms,
       gates_total, gates_passed, gates_warned, gates_failed, gates_errored, gates_skipped, environment,
       hermes_version, host, git_commit)
     VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '90 seconds', 90000, 20, 17, 2, $6, 0, 1,
             'test', '0.1.0', 'ci-1', $7)`,
    [id, stage, status, status === 'passed' ? 0 : 1, startedAt, status === 'passed' ? 0 : 1, gitCommit],
  );
  return id;
}

describe('findPassingRun', () => {
  it('is the newest passed run of that stage and commit started at or after the limit', async () => {
    const older = await run('pre-deploy', 'passed', commit, '2026-11-27T10:00:00Z');
    const newest = await run('pre-deploy', 'passed', commit, '2026-11-27T10:20:00Z');
    // Newer, but each differs in one way that disqualifies it.
    await run('pre-deploy', 'failed', commit, '2026-11-27T10:30:00Z');
    await run('pre-deploy', 'error', commit, '2026-11-27T10:31:00Z');
    await run('post-deploy', 'passed', commit, '2026-11-27T10:32:00Z');
    await run('pre-deploy', 'passed', otherCommit, '2026-11-27T10:33:00Z');
    await run('pre-deploy', 'passed', null, '2026-11-27T10:34:00Z');

    const query = { stage: 'pre-deploy' as const, gitCommit: commit };
    expect(await findPassingRun(db.pool, { ...query, notBefore: new Date('2026-11-27T09:00:00Z') })).toEqual({
      id: newest,
      stage: 'pre-deploy',
      gitCommit: commit,
      startedAt: new Date('2026-11-27T10:20:00Z'),
      finishedAt: new Date('2026-11-27T10:21:30Z'),
      total: 20,
      passed: 17,
      warned: 2,
      skipped: 1,
      deploymentId: null,
    });
    // At the limit counts; just after the older one, it alone is too old.
    expect(
      (await findPassingRun(db.pool, { ...query, notBefore: new Date('2026-11-27T10:20:00Z') }))?.id,
    ).toBe(newest);
    await db.pool.query('DELETE FROM hermes_ops.gate_runs WHERE id = $1', [newest]);
    expect(
      (await findPassingRun(db.pool, { ...query, notBefore: new Date('2026-11-27T10:00:00Z') }))?.id,
    ).toBe(older);
    expect(
      await findPassingRun(db.pool, { ...query, notBefore: new Date('2026-11-27T10:00:00.001Z') }),
    ).toBeNull();
    expect(
      await findPassingRun(db.pool, { stage: 'deploy', gitCommit: commit, notBefore: new Date(0) }),
    ).toBeNull();
  });
});
