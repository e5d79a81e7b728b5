import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/pool.ts';
import type { Queryable } from '../../src/db/queryable.ts';
import { AttemptWriter } from '../../src/delivery/attempt-writer.ts';
import type { FinishedAttempt } from '../../src/delivery/sql/finish-attempts.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { insertLeads } from './support/insert-leads.ts';

/** A delivered first attempt of outbox row `outboxId`. */
function delivered(outboxId: number): FinishedAttempt {
  return {
    outboxId,
    deliveryId: randomUUID(),
    attempt: 1,
    probe: false,
    workerId: 'test-worker',
    attemptedAt: new Date(),
    latencyMs: 12,
    statusCode: 200,
    outcome: 'delivered',
    result: 'delivered',
    error: null,
    responseExcerpt: null,
    retryInMs: null,
  };
}

/** `db`, noting how many attempts each statement carried (the first parameter is the outbox ids). */
function countingStatements(db: Queryable): { db: Queryable; batches: number[] } {
  const batches: number[] = [];
  return {
    batches,
    db: {
      query(text, values) {
        const ids = values?.[0];
        batches.push(Array.isArray(ids) ? ids.length : -1);
        return db.query(text, values);
      },
    },
  };
}

/** Settles every write, keeping what each came to (in the order they were written). */
function settled(writes: Promise<void>[]): Promise<PromiseSettledResult<void>[]> {
  return Promise.allSettled(writes);
}

describe('the attempt writer (group commit of attempt results)', () => {
  const database = useTestDatabase();

  it('writes a batch the database refuses row by row: the refused row fails alone, the others are recorded', async () => {
    const leads = await insertLeads(database.pool, 3);
    const { rows: outbox } = await database.pool.query<{ id: number }>(
      'SELECT id FROM hermes_outbox WHERE lead_id = ANY($1) ORDER BY id',
      [leads.map((l) => l.lead_id)],
    );
    const [first, second, third] = outbox.map((r) => r.id);
    if (first === undefined || second === undefined || third === undefined) throw new Error('3 outbox rows');
    const counted = countingStatements(database.pool);
    const writer = new AttemptWriter(counted.db);

    // The first write goes alone; the three queued while it runs go together, and one of them
    // names an outbox row that does not exist (a foreign key violation refuses the statement).
    const results = await settled([
      writer.write(delivered(first)),
      writer.write(delivered(second)),
      writer.write(delivered(2 ** 40)),
      writer.write(delivered(third)),
    ]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const refused = results[2];
    expect(refused?.status === 'rejected' ? (refused.reason as { code?: string }).code : undefined).toBe(
      '23503',
    );
    // One statement for the first, one for the refused batch, then one per row of it.
    expect(counted.batches).toEqual([1, 3, 1, 1, 1]);
    const { rows: recorded } = await database.pool.query<{ outbox_id: number }>(
      'SELECT outbox_id FROM hermes_deliveries ORDER BY outbox_id',
    );
    expect(recorded.map((r) => r.outbox_id)).toEqual([first, second, third]);
    const { rows: states } = await database.pool.query<{ status: string }>(
      'SELECT status FROM hermes_outbox WHERE id = ANY($1)',
      [[first, second, third]],
    );
    expect(states.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('rejects every attempt of a batch when the database is unreachable, without trying each row again', async () => {
    // Nothing listens on port 1: every statement fails with ECONNREFUSED, a connection failure.
    const unreachable = createPool('postgres://postgres@127.0.0.1:1/none', {
      max: 1,
      connectionTimeoutMs: 2_000,
      idleTimeoutMs: 1_000,
      statementTimeoutMs: 0,
    });
    try {
      const counted = countingStatements(unreachable);
      const writer = new AttemptWriter(counted.db);
      const results = await settled([
        writer.write(delivered(1)),
        writer.write(delivered(2)),
        writer.write(delivered(3)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(
        results.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : undefined)),
      ).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
      // The lone first write, then the batch of two once: no row-by-row retry against a dead database.
      expect(counted.batches).toEqual([1, 2]);
    } finally {
      await unreachable.end();
    }
  });

  it('stores an answer carrying NUL bytes, which PostgreSQL text refuses, without them', async () => {
    const [lead] = await insertLeads(database.pool, 1);
    const { rows } = await database.pool.query<{ id: number }>(
      'SELECT id FROM hermes_outbox WHERE lead_id = $1',
      [lead?.lead_id],
    );
    const outboxId = rows[0]?.id ?? 0;
    const writer = new AttemptWriter(database.pool);
    await writer.write({
      ...delivered(outboxId),
      statusCode: 500,
      outcome: 'server_error',
      result: 'dead',
      error: 'HTTP\u0000 500',
      responseExcerpt: 'oops\u0000!',
    });
    const { rows: recorded } = await database.pool.query<{ error: string; response_excerpt: string }>(
      'SELECT error, response_excerpt FROM hermes_deliveries WHERE outbox_id = $1',
      [outboxId],
    );
    expect(recorded).toEqual([{ error: 'HTTP 500', response_excerpt: 'oops!' }]);
  });
});
