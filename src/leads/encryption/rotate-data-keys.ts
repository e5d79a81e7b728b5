import type { Pool } from 'pg';
import type { Queryable } from '../../db/queryable.ts';
import { withTransaction } from '../../db/transaction.ts';
import { catchCode } from '../../errors/hermes-error.ts';
import { encryptedPrefix, keyIdOf, type DataKeyRing } from './field-cipher.ts';
import { decryptLeadField, encryptLeadField, encryptedLeadColumns } from './lead-fields.ts';

/** How the encrypted columns' values stand against the current key: values, not rows. */
export interface KeyCensus {
  /** Rows with at least one value not under the current key (plaintext or another key). */
  readonly pendingRows: number;
  readonly plaintextValues: number;
  /** Values under each key id other than the current one. */
  readonly otherKeyValues: Readonly<Record<string, number>>;
  readonly currentKeyValues: number;
}

export interface RotationResult {
  readonly currentKeyId: string;
  readonly batches: number;
  readonly rowsUpdated: number;
  /** Plaintext values (written before encryption) now encrypted. */
  readonly encrypted: number;
  /** Values under another key now under the current one, by the key they were under. */
  readonly reencrypted: Readonly<Record<string, number>>;
  /** Rows a value of which no configured key decrypts: left as they are, named. */
  readonly undecryptable: readonly string[];
  /** What is left after the run (rows locked by a transaction at the time, or undecryptable). */
  readonly remaining: KeyCensus;
}

const currentPrefix = (ring: DataKeyRing) => `${encryptedPrefix}${ring.current.id}:`;

// A value is pending when it is neither empty (not given, or erased) nor under the current key.
const pending = (column: string) => `(${column} <> '' AND NOT starts_with(${column}, $1))`;
const pendingRow = encryptedLeadColumns.map(pending).join(' OR ');

const censusSql = `
SELECT count(*) FILTER (WHERE ${pendingRow})::int AS pending_rows,
       (SELECT coalesce(json_agg(json_build_array(state, n)), '[]'::json) FROM (
          SELECT CASE WHEN v = '' THEN 'empty'
                      WHEN starts_with(v, $1) THEN 'current'
                      WHEN starts_with(v, $2) THEN 'key:' || split_part(v, ':', 4)
                      ELSE 'plaintext' END AS state, count(*)::int AS n
            FROM hermes_leads, LATERAL (VALUES (phone_number), (problem_description)) AS c(v)
           GROUP BY 1) AS s) AS states
  FROM hermes_leads`;

/** Counts the values by the key they are under (nothing locked, nothing changed). */
export async function keyCensus(db: Queryable, ring: DataKeyRing): Promise<KeyCensus> {
  const { rows } = await db.query<{ pending_rows: number; states: [string, number][] }>(censusSql, [
    currentPrefix(ring),
    encryptedPrefix,
  ]);
  const row = rows[0];
  const states = new Map(row?.states ?? []);
  const otherKeyValues = Object.fromEntries(
    [...states].filter(([state]) => state.startsWith('key:')).map(([state, n]) => [state.slice(4), n]),
  );
  return {
    pendingRows: row?.pending_rows ?? 0,
    plaintextValues: states.get('plaintext') ?? 0,
    otherKeyValues,
    currentKeyValues: states.get('current') ?? 0,
  };
}

// Keyset order by id, so a row that stays pending (undecryptable) is passed, never read again in
// this run; SKIP LOCKED, so a row the intake or an erasure holds is left for the next run.
const batchSql = `
SELECT id::text AS id, lead_id, phone_number, problem_description FROM hermes_leads
 WHERE id > $2::bigint AND (${pendingRow})
 ORDER BY id LIMIT $3
 FOR UPDATE SKIP LOCKED`;

const updateSql = `
UPDATE hermes_leads AS l SET phone_number = v.phone_number, problem_description = v.problem_description
  FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v(id, phone_number, problem_description)
 WHERE l.id = v.id`;

interface PendingRow {
  id: string;
  lead_id: string;
  phone_number: string;
  problem_description: string;
}

interface Tally {
  encrypted: number;
  reencrypted: Record<string, number>;
  undecryptable: string[];
}

/** The row's values under the current key, counted in `tally`; undefined when one cannot be decrypted. */
function rekeyRow(ring: DataKeyRing, row: PendingRow, tally: Tally): PendingRow | undefined {
  const prefix = currentPrefix(ring);
  const next = { ...row };
  const counted: string[] = [];
  const rekeyed = catchCode('data_undecryptable', () => {
    for (const column of encryptedLeadColumns) {
      const stored = row[column];
      if (stored === '' || stored.startsWith(prefix)) continue;
      const plaintext = decryptLeadField(ring, column, row.lead_id, stored);
      next[column] = encryptLeadField(ring, column, row.lead_id, plaintext);
      counted.push(keyIdOf(stored) ?? '');
    }
  });
  if (!rekeyed.ok) {
    tally.undecryptable.push(row.lead_id);
    return undefined;
  }
  for (const keyId of counted) {
    if (keyId === '') tally.encrypted++;
    else tally.reencrypted[keyId] = (tally.reencrypted[keyId] ?? 0) + 1;
  }
  return next;
}

export interface RotateOptions {
  readonly batchSize: number;
  /** Called after each committed batch: its number and the rows it updated. */
  readonly onBatch?: (batch: number, rows: number) => void;
}

/**
 * Puts every value of the encrypted columns under the current key: plaintext encrypted, values
 * under another key re-encrypted. Batch by batch, each its own short transaction locking only its
 * rows (SKIP LOCKED: the intake never waits). Resumable: a run stopped half-way leaves the rows it
 * did not reach pending, and the next run takes them (and only them).
 */
export async function rotateDataKeys(
  pool: Pool,
  ring: DataKeyRing,
  options: RotateOptions,
): Promise<RotationResult> {
  const tally: Tally = { encrypted: 0, reencrypted: {}, undecryptable: [] };
  let after = '0';
  let batches = 0;
  let rowsUpdated = 0;
  for (;;) {
    const read = await withTransaction(pool, async (client) => {
      const { rows } = await client.query<PendingRow>(batchSql, [
        currentPrefix(ring),
        after,
        options.batchSize,
      ]);
      const rekeyed = rows.flatMap((row) => rekeyRow(ring, row, tally) ?? []);
      if (rekeyed.length > 0)
        await client.query(updateSql, [
          rekeyed.map((r) => r.id),
          rekeyed.map((r) => r.phone_number),
          rekeyed.map((r) => r.problem_description),
        ]);
      return { last: rows.at(-1)?.id, updated: rekeyed.length };
    });
    if (read.last === undefined) break;
    after = read.last;
    batches++;
    rowsUpdated += read.updated;
    options.onBatch?.(batches, read.updated);
  }
  return {
    currentKeyId: ring.current.id,
    batches,
    rowsUpdated,
    encrypted: tally.encrypted,
    reencrypted: tally.reencrypted,
    undecryptable: tally.undecryptable,
    remaining: await keyCensus(pool, ring),
  };
}
