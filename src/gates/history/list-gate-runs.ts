import type { Queryable } from '../../db/queryable.ts';
import type { Stage } from '../gate.ts';
import type { RunStatus } from '../stage-run-result.ts';

export interface GateRunSummary {
  id: string;
  stage: Stage;
  status: RunStatus;
  exitCode: number;
  startedAt: Date;
  durationMs: number;
  total: number;
  passed: number;
  warned: number;
  failed: number;
  errored: number;
  skipped: number;
  /** The ids of the gates whose failure or error made the run fail. */
  blockedBy: string[];
}

const listRuns = `
SELECT r.id, r.stage, r.status, r.exit_code AS "exitCode", r.started_at AS "startedAt",
       r.duration_ms::float8 AS "durationMs", r.gates_total AS total, r.gates_passed AS passed,
       r.gates_warned AS warned, r.gates_failed AS failed, r.gates_errored AS errored,
       r.gates_skipped AS skipped,
       coalesce(
         (SELECT array_agg(g.gate_id ORDER BY g.gate_id) FROM hermes_ops.gate_results g
          WHERE g.run_id = r.id AND g.blocking AND g.status IN ('fail', 'error')),
         '{}'
       ) AS "blockedBy"
FROM hermes_ops.gate_runs r
WHERE $1::text IS NULL OR r.stage = $1
ORDER BY r.started_at DESC
LIMIT $2`;

/** The latest runs, newest first, optionally of one stage. */
export async function listGateRuns(
  db: Queryable,
  options: { limit: number; stage?: Stage | undefined },
): Promise<GateRunSummary[]> {
  const { rows } = await db.query<GateRunSummary>(listRuns, [options.stage ?? null, options.limit]);
  return rows;
}
