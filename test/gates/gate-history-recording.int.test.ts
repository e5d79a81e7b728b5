import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open-database.ts';
import { startDeployment } from '../../src/deploy/ledger/start-deployment.ts';
import {
  recordGateRun,
  missingHistoryNote,
  outdatedHistoryNote,
} from '../../src/gates/history/record-gate-run.ts';
import { runAndRecordStage } from '../../src/gates/run-and-record-stage.ts';
import type { StageRun } from '../../src/gates/stage-run-result.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { makeProject } from './builtin/support/gate-context.ts';
import { configWith, fakeGate, openUrl } from './support/fake-gate.ts';
import { git } from '../support/git.ts';

// A stage run as the CLI makes it (runAndRecordStage): the gates' results in the history tables,
// the report files, and what it says when either cannot be written. Real PostgreSQL.
const dir = makeProject({ '.keep': '' });
afterAll(() => {
  dir.remove();
});

const gates = [
  fakeGate('a.pass', () => ({ status: 'pass', summary: 'fine' })),
  fakeGate('b.fail', () => ({
    status: 'fail',
    summary: 'too slow',
    measurements: [{ name: 'p95', value: 900, unit: 'ms', threshold: 500, comparison: '<', passed: false }],
  })),
];

async function stage(url: string, options: { history?: boolean; reports?: string | null } = {}) {
  const config = configWith({ history: { enabled: options.history ?? true } });
  return runAndRecordStage({
    gates,
    config,
    stage: 'pre-deploy',
    cwd: dir.dir,
    env: {},
    openDatabase: openUrl(url),
    reports: options.reports === null ? null : { dir: options.reports ?? 'reports', formats: ['json', 'md'] },
  });
}

describe('runAndRecordStage', () => {
  it('records the run and each gate’s result, and writes the reports', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { run, reportPaths, reportError } = await stage(db.url);
    expect(run.history).toEqual({ recorded: true });
    expect(reportError).toBeUndefined();
    const { rows: runs } = await db.pool.query<{ id: string; status: string; gates_failed: number }>(
      'SELECT id, status, gates_failed FROM hermes_ops.gate_runs',
    );
    expect(runs).toEqual([{ id: run.id, status: 'failed', gates_failed: 1 }]);
    const { rows: results } = await db.pool.query<{ gate_id: string; status: string; measurements: unknown }>(
      'SELECT gate_id, status, measurements FROM hermes_ops.gate_results WHERE run_id = $1 ORDER BY gate_id',
      [run.id],
    );
    expect(results).toEqual([
      { gate_id: 'a.pass', status: 'pass', measurements: [] },
      {
        gate_id: 'b.fail',
        status: 'fail',
        measurements: [
          { name: 'p95', value: 900, unit: 'ms', threshold: 500, comparison: '<', passed: false },
        ],
      },
    ]);
    expect(reportPaths.map((p) => p.slice(join(dir.dir, 'reports').length + 1))).toEqual([
      expect.stringMatching(/\.json$/),
      expect.stringMatching(/\.md$/),
    ]);
    for (const path of reportPaths) expect(existsSync(path), path).toBe(true);
  });

  it('records nothing when history is disabled, and says so; writes no report when asked for none', async () => {
    const db = await createTestDatabase({ migrate: true });
    const { run, reportPaths } = await stage(db.url, { history: false, reports: null });
    expect(run.history).toEqual({ recorded: false, reason: 'disabled by gates.history.enabled' });
    expect(reportPaths).toEqual([]);
    const { rows } = await db.pool.query('SELECT 1 FROM hermes_ops.gate_runs');
    expect(rows).toHaveLength(0);
  });

  it('returns the run, recorded, with the report error when the reports cannot be written', async () => {
    const db = await createTestDatabase({ migrate: true });
    // A file where the reports directory should be.
    const { run, reportPaths, reportError } = await stage(db.url, { reports: '.keep/reports' });
    expect(run.results.map((r) => r.status)).toEqual(['pass', 'fail']);
    expect(run.history).toEqual({ recorded: true });
    expect(reportPaths).toEqual([]);
    expect(reportError).toMatchObject({
      code: 'gates_report_unwritable',
      message: `cannot write the reports to ${join(dir.dir, '.keep/reports')}`,
    });
  });
});

describe('where a recorded run comes from', () => {
  it('records the commit of the repository it judged and the deployment it ran for; null for neither', async () => {
    const db = await createTestDatabase({ migrate: true });
    const repo = makeProject({ 'README.md': 'x\n' });
    try {
      git(repo.dir, 'init', '-q', '-b', 'main');
      git(repo.dir, 'add', '-A');
      git(repo.dir, 'commit', '-q', '-m', 'first');
      const head = git(repo.dir, 'rev-parse', 'HEAD');
      const deployment = await startDeployment(db.pool, {
        version: '1.0.0',
        gitCommit: head,
        source: repo.dir,
        target: 'local',
      });
      const deployed = await runAndRecordStage({
        gates,
        config: configWith({ history: { enabled: true } }),
        stage: 'pre-deploy',
        cwd: repo.dir,
        env: {},
        openDatabase: openUrl(db.url),
        reports: null,
        deploymentId: deployment.id,
      });
      // Outside git, and not for a deployment.
      const plain = await stage(db.url, { reports: null });
      const { rows } = await db.pool.query<{
        id: string;
        git_commit: string | null;
        deployment_id: string | null;
      }>('SELECT id, git_commit, deployment_id FROM hermes_ops.gate_runs ORDER BY started_at');
      expect(rows).toEqual([
        { id: deployed.run.id, git_commit: head, deployment_id: deployment.id },
        { id: plain.run.id, git_commit: null, deployment_id: null },
      ]);
      expect(head).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      repo.remove();
    }
  });
});

describe('recordGateRun', () => {
  const noOrigin = { gitCommit: null, deploymentId: null };

  /** A run with one result, made by a real stage run without history. */
  async function aRun(url: string): Promise<StageRun> {
    return (await stage(url, { history: false, reports: null })).run;
  }

  it('names the migration to run when the history tables do not exist', async () => {
    const db = await createTestDatabase();
    const run = await aRun(db.url);
    const database = openUrl(db.url);
    let opened: Database | undefined;
    try {
      const outcome = await recordGateRun(async () => (opened = await database()), run, noOrigin);
      expect(outcome).toEqual({ recorded: false, reason: missingHistoryNote });
    } finally {
      await opened?.close();
    }
  });

  it('names the command to run when the history table predates this Hermes (a column it writes is missing)', async () => {
    const db = await createTestDatabase({ migrate: true });
    await db.pool.query('ALTER TABLE hermes_ops.gate_runs DROP COLUMN git_commit');
    const run = await aRun(db.url);
    const database = openUrl(db.url);
    let opened: Database | undefined;
    try {
      const outcome = await recordGateRun(async () => (opened = await database()), run, noOrigin);
      expect(outcome).toEqual({ recorded: false, reason: outdatedHistoryNote });
    } finally {
      await opened?.close();
    }
  });

  it('does not record a run twice: the second is refused whole, with the database’s reason', async () => {
    const db = await createTestDatabase({ migrate: true });
    const run = await aRun(db.url);
    const database = openUrl(db.url);
    const opened: Database[] = [];
    const open = async () => {
      const d = await database();
      opened.push(d);
      return d;
    };
    try {
      expect(await recordGateRun(open, run, noOrigin)).toEqual({ recorded: true });
      const again = await recordGateRun(open, run, noOrigin);
      expect(again.recorded).toBe(false);
      expect(again.reason).toMatch(/duplicate key value violates unique constraint/);
    } finally {
      for (const d of opened) await d.close();
    }
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM hermes_ops.gate_results',
    );
    expect(rows).toEqual([{ n: run.results.length }]);
  });

  it('says the database is unreachable, whatever the opening threw', async () => {
    const db = await createTestDatabase({ migrate: true });
    const run = await aRun(db.url);
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a driver that rejects with a string
    expect(await recordGateRun(() => Promise.reject('socket hang up'), run, noOrigin)).toEqual({
      recorded: false,
      reason: 'database unreachable: socket hang up',
    });
  });
});
