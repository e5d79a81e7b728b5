import { toDatabaseError } from '../../db/database-error.ts';
import type { Database } from '../../db/open-database.ts';
import { withTransaction } from '../../db/transaction.ts';
import { isHermesError } from '../../errors/hermes-error.ts';
import type { StageRun } from '../stage-run-result.ts';

const insertRun = `
INSERT INTO hermes_ops.gate_runs (
  id, stage, status, exit_code, started_at, finished_at, duration_ms,
  gates_total, gates_passed, gates_warned, gates_failed, gates_errored, gates_skipped,
  only_gates, environment, hermes_version, host, notes, git_commit, deployment_id
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`;

const insertResults = `
INSERT INTO hermes_ops.gate_results (
  run_id, gate_id, title, status, outcome_status, blocking, summary, reason,
  started_at, duration_ms, measurements, evidence
)
SELECT $1, r.id, r.title, r.status, r."outcomeStatus", r.blocking, r.summary, r.reason,
       r."startedAt", r."durationMs", coalesce(r.measurements, '[]'), coalesce(r.evidence, '[]')
FROM jsonb_to_recordset($2::jsonb) AS r(
  id text, title text, status text, "outcomeStatus" text, blocking boolean, summary text, reason text,
  "startedAt" timestamptz, "durationMs" bigint, measurements jsonb, evidence jsonb
)`;

/** What to run where the history tables are missing: Hermes migrates them; another project inits them. */
export const missingHistoryNote =
  'hermes_ops.gate_runs does not exist: run `hermes migrate up` (Hermes) or `hermes ops init` (another project)';

/** Where a run comes from, recorded beside it. */
export interface RunOrigin {
  /** The commit of the repository the run judged (gitHead); null outside git. */
  gitCommit: string | null;
  /** The deployment whose stage this run is; null for a plain `hermes gates run`. */
  deploymentId: string | null;
}

/** Where the history tables predate this Hermes (a column it writes is missing). */
export const outdatedHistoryNote =
  'hermes_ops.gate_runs is older than this Hermes: run `hermes migrate up` (Hermes) or `hermes ops init` (another project)';

export interface HistoryOutcome {
  recorded: boolean;
  reason?: string;
}

/**
 * Records the run and its results in one transaction. Best effort: a failure is returned as
 * the reason history was not recorded, never thrown, because the run itself has happened.
 */
export async function recordGateRun(
  database: () => Promise<Database>,
  run: StageRun,
  origin: RunOrigin,
): Promise<HistoryOutcome> {
  let db: Database;
  try {
    db = await database();
  } catch (error) {
    return {
      recorded: false,
      reason: `database unreachable: ${isHermesError(error) ? error.message : String(error)}`,
    };
  }
  try {
    await withTransaction(db.pool, async (client) => {
      const { counts } = run;
      await client.query(insertRun, [
        run.id,
        run.stage,
        run.status,
        run.exitCode,
        run.startedAt,
        run.finishedAt,
        run.durationMs,
        counts.total,
        counts.pass,
        counts.warn,
        counts.fail,
        counts.error,
        counts.skip,
        run.only,
        run.environment,
        run.hermesVersion,
        run.host,
        run.notes,
        origin.gitCommit,
        origin.deploymentId,
      ]);
      await client.query(insertResults, [run.id, JSON.stringify(run.results)]);
    });
    return { recorded: true };
  } catch (error) {
    const failure = toDatabaseError(error, 'cannot record the run');
    // 42703: a column is missing, so the table is there but made by an older Hermes.
    if (failure.sqlstate === '42703') return { recorded: false, reason: outdatedHistoryNote };
    if (failure.kind === 'undefined_object') return { recorded: false, reason: missingHistoryNote };
    return { recorded: false, reason: failure.message };
  }
}
