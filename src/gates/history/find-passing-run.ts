import type { Queryable } from '../../db/queryable.ts';
import type { Stage } from '../gate.ts';

/** A recorded run that passed, as the deploy pipeline reuses it instead of running its stage again. */
export interface PassingRun {
  id: string;
  stage: Stage;
  gitCommit: string;
  startedAt: Date;
  finishedAt: Date;
  total: number;
  passed: number;
  warned: number;
  skipped: number;
  /** The deployment it ran for, if any. */
  deploymentId: string | null;
}

// `notBefore` bounds the scan of gate_runs_stage_started_at_idx to the runs young enough to count.
const findPassing = `
SELECT id, stage, git_commit AS "gitCommit", started_at AS "startedAt", finished_at AS "finishedAt",
       gates_total AS total, gates_passed AS passed, gates_warned AS warned, gates_skipped AS skipped,
       deployment_id AS "deploymentId"
FROM hermes_ops.gate_runs
WHERE stage = $1 AND git_commit = $2 AND status = 'passed' AND started_at >= $3
ORDER BY started_at DESC
LIMIT 1`;

/** The newest `passed` run of `stage` for `gitCommit` that started at or after `notBefore`; null if none. */
export async function findPassingRun(
  db: Queryable,
  query: { stage: Stage; gitCommit: string; notBefore: Date },
): Promise<PassingRun | null> {
  const { rows } = await db.query<PassingRun>(findPassing, [query.stage, query.gitCommit, query.notBefore]);
  return rows[0] ?? null;
}
