import type { Pool, PoolClient } from 'pg';
import type { Queryable } from '../../../db/queryable.ts';
import type { Gate, GateOutcome } from '../../gate.ts';
import { databaseReason, withGateDatabase } from '../support/database-guard.ts';
import { withReadOnlyTransaction } from '../support/live-read-only.ts';
import { skipOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import {
  judgeSmoke,
  preExistingOutcome,
  type Removed,
  type Retrieved,
  type Snapshot,
  type SmokeRun,
  type Step,
} from './judge-smoke.ts';
import { isOwnLeadsTable, ownLeadsTable } from './own-leads.ts';
import { relationExists } from './record-table.ts';
import {
  everyId,
  mismatchedColumns,
  presentSql,
  smokeDeleteSql,
  smokeInsertSql,
  smokeLeadId,
  smokeSelectSql,
  snapshotSql,
} from './smoke-statements.ts';
import { syntheticSource } from '../../../leads/synthetic-source.ts';

const smokeId = 'db.smoke';

async function present(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(presentSql);
  return Number(rows[0]?.n ?? 0);
}

async function snapshot(db: Queryable, bound: string): Promise<Snapshot> {
  const { rows } = await db.query<{ rows: string; max_id: string; checksum: string }>(snapshotSql, [
    bound,
    syntheticSource,
  ]);
  const row = rows[0];
  return { rows: Number(row?.rows ?? 0), maxId: row?.max_id ?? '0', checksum: row?.checksum ?? '0' };
}

/** A step's refusal is a finding of the smoke test (its operations are what it tests), not an error. */
async function attempt<T>(step: () => Promise<T>): Promise<Step<T>> {
  try {
    return { ok: true, value: await step() };
  } catch (error) {
    return { ok: false, reason: databaseReason(error) };
  }
}

/**
 * INSERT, SELECT, DELETE in that order in ONE transaction, bounded by statement_timeout: no one
 * else ever sees the test lead (no export, count or other gate), and a gate stopped half-way
 * leaves nothing behind. It commits only when the DELETE removed exactly the gate's own row (more
 * would mean another row shares the lead_id: its uniqueness lost); else, and after any failed
 * step, it is rolled back, which takes the inserted row with it.
 */
async function runStatements(
  client: PoolClient,
  timeoutMs: number,
): Promise<Omit<SmokeRun, 'before' | 'after'>> {
  await client.query('BEGIN');
  // Set inside the DELETE's step (a closure): an object, so that the finally reads what it set.
  const outcome = { committed: false };
  try {
    await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(timeoutMs)]);
    const insert = await attempt(async () => {
      await client.query(smokeInsertSql);
      return null;
    });
    if (!insert.ok) return { insert, retrieve: null, remove: null };
    const retrieve = await attempt(async (): Promise<Retrieved> => {
      const { rows } = await client.query<Record<string, unknown>>(smokeSelectSql);
      const [first] = rows;
      return { rows: rows.length, mismatched: first ? mismatchedColumns(first) : [] };
    });
    // A failed statement aborts the transaction: the rollback below is the clean-up.
    if (!retrieve.ok) return { insert, retrieve, remove: null };
    const remove = await attempt(async (): Promise<Removed> => {
      const { rowCount } = await client.query(smokeDeleteSql);
      if (rowCount === 1) {
        await client.query('COMMIT');
        outcome.committed = true;
      }
      return { rows: rowCount ?? 0, committed: outcome.committed };
    });
    return { insert, retrieve, remove };
  } finally {
    if (!outcome.committed) await client.query('ROLLBACK').catch(() => undefined);
  }
}

async function smokeTest(pool: Pool, timeoutMs: number): Promise<GateOutcome> {
  // A number: how many leads DEPLOYMENT-TEST-001 were already there (none read further).
  const seen = await withReadOnlyTransaction(pool, timeoutMs, async (client): Promise<number | Snapshot> => {
    const already = await present(client);
    return already > 0 ? already : snapshot(client, everyId);
  });
  if (typeof seen === 'number') return preExistingOutcome(seen);
  const before = seen;
  const client = await pool.connect();
  let statements: Omit<SmokeRun, 'before' | 'after'>;
  try {
    statements = await runStatements(client, timeoutMs);
  } finally {
    // Closed, not handed back: a failed step may leave it in doubt, and opening another costs little.
    client.release(true);
  }
  // Only the rows that existed before are compared: leads committed meanwhile have larger ids (but
  // for one whose transaction took its id before the snapshot and committed after it: rare, and
  // then a difference in count; so is an erasure that ran meanwhile, in the checksum).
  const after = await attempt(() =>
    withReadOnlyTransaction(pool, timeoutMs, async (reader) => ({
      ...(await snapshot(reader, before.maxId)),
      leftover: await present(reader),
    })),
  );
  return judgeSmoke({ before, ...statements, after });
}

export const smokeGate: Gate = {
  id: smokeId,
  stage: 'post-deploy',
  title: 'Database operations smoke test',
  description: `Runs §3.1.2's INSERT, SELECT and DELETE of the lead ${smokeLeadId} as the spec writes them, in that order, in one transaction on Hermes's hermes_leads of the configured database (so no one else ever sees the test lead, and a gate stopped half-way leaves nothing): the INSERT must succeed, every column it sets must read back as written, and the DELETE must remove exactly one row; it commits only then, else it rolls back. A lead ${smokeLeadId} already there fails the gate and is left untouched. No side effects: the row count and a checksum of the rows that existed before (id up to the largest read before, so that leads arriving meanwhile are not compared) must be equal after; the checksum sums one md5 per row, a full read of the table before and again after, in constant memory. Skips on another project's table of records.`,
  spec: '§3.1.2',
  // Six statements and two checksums, each up to the default statement timeout (30 s).
  timeoutMs: 240_000,
  thresholds: (config) =>
    describeThresholds(config, 'db', 'smoke', {
      statementTimeoutMs: "statement_timeout of each of §3.1.2's statements and of the row checksums (ms)",
    }),
  run: (ctx) =>
    withGateDatabase(ctx, 'run the database smoke test', async (db) => {
      const thresholds = gateThresholds(ctx.config).db;
      const { table } = thresholds.records;
      // The spec's lead has Hermes's columns: another project's table gets no made-up row.
      if (!isOwnLeadsTable(table))
        return skipOutcome(
          `the records table is ${table}, not ${ownLeadsTable}: no deployment-test lead written`,
          `${smokeId} writes §3.1.2's lead into Hermes's own ${ownLeadsTable} only (gates.thresholds.db.records.table is ${table}); a custom sql gate can test this project's own writes`,
        );
      if (!(await relationExists(db.pool, ownLeadsTable)))
        return skipOutcome(
          `no table ${ownLeadsTable} on the configured database: nothing to test`,
          `${smokeId} writes §3.1.2's lead into Hermes's ${ownLeadsTable}, which the configured database does not have (not migrated, or another project's database)`,
        );
      return smokeTest(db.pool, thresholds.smoke.statementTimeoutMs);
    }),
};
