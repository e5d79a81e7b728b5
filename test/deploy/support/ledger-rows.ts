import { spawn } from 'node:child_process';
import type { Queryable } from '../../../src/db/queryable.ts';
import {
  currentProcessIdentity,
  processStartTicks,
  type ProcessIdentity,
} from '../../../src/db/process-identity.ts';
import type { NewDeployment } from '../../../src/deploy/ledger/start-deployment.ts';

export function newDeployment(overrides: Partial<NewDeployment> = {}): NewDeployment {
  return {
    version: '1.4.0+9f8e7d6',
    gitCommit: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
    source: '/srv/shop',
    target: 'local',
    ...overrides,
  };
}

/** Gives a ledger row another runner (the ledger records only the process that starts a deployment). */
export async function setRunner(db: Queryable, id: string, runner: ProcessIdentity): Promise<void> {
  await db.query(
    `UPDATE hermes_ops.deployments SET runner_pid = $2, runner_host = $3, runner_boot_id = $4,
            runner_pid_namespace = $5, runner_start_ticks = $6 WHERE id = $1`,
    [id, runner.pid, runner.hostname, runner.bootId, runner.pidNamespace, runner.startTicks],
  );
}

/** Gives a row an id of the test's choosing (to make two ids share a prefix), keeping the rest. */
export async function setId(db: Queryable, id: string, newId: string): Promise<void> {
  await db.query('UPDATE hermes_ops.deployments SET id = $2 WHERE id = $1', [id, newId]);
}

export async function setStartedAt(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query('UPDATE hermes_ops.deployments SET started_at = $2 WHERE id = $1', [id, at]);
}

/** The identity of a process that ran on this host and has exited (and was reaped): certainly dead. */
export async function deadProcessIdentity(): Promise<ProcessIdentity> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 200)'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('the child did not start');
  const identity = { ...currentProcessIdentity(), pid, startTicks: processStartTicks(pid) };
  await exited;
  return identity;
}
