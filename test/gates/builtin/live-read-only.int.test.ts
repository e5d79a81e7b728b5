import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HermesError } from '../../../src/errors/hermes-error.ts';
import {
  eachReadOnly,
  liveRefusal,
  scratchRefusal,
  withReadOnlyTransaction,
  type NamedSql,
} from '../../../src/gates/builtin/support/live-read-only.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const db = useTestDatabase({});
// One connection: whatever a transaction leaves behind, the next one would see.
let single: pg.Pool;
beforeAll(async () => {
  single = new pg.Pool({ connectionString: db.url, max: 1 });
  await single.query('CREATE TABLE kept (n integer)');
  await single.query('INSERT INTO kept VALUES (1), (2)');
});
afterAll(async () => {
  await single.end();
});

const firstValue = async (client: pg.PoolClient, sql: string): Promise<unknown> =>
  Object.values((await client.query<Record<string, unknown>>(sql)).rows[0] ?? {})[0];

/** What `fn` threw (it must throw). */
async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal, got an answer');
}

const count = (client: pg.PoolClient, query: NamedSql) => firstValue(client, query.sql);
const fine: NamedSql = { name: 'fine', sql: 'SELECT count(*)::int FROM kept' };
const absent: NamedSql = { name: 'absent', sql: 'SELECT count(*) FROM not_deployed_yet' };
const slow: NamedSql = { name: 'slow', sql: 'SELECT pg_sleep(5)' };
const broken: NamedSql = { name: 'broken', sql: 'SELEC 1' };

describe('withReadOnlyTransaction', () => {
  it('runs the work read-only under the statement timeout, and leaves nothing set on the connection', async () => {
    const seen = await withReadOnlyTransaction(single, 1_234, async (client) => {
      await client.query('SET LOCAL enable_seqscan = off');
      return {
        readOnly: await firstValue(client, 'SHOW transaction_read_only'),
        timeout: await firstValue(client, 'SHOW statement_timeout'),
        seqscan: await firstValue(client, 'SHOW enable_seqscan'),
      };
    });
    expect(seen).toEqual({ readOnly: 'on', timeout: '1234ms', seqscan: 'off' });
    // The same (only) connection afterwards: out of the transaction, settings back to the defaults.
    const after = await single.query<{ ro: string; t: string; s: string }>(
      `SELECT current_setting('transaction_read_only') AS ro, current_setting('statement_timeout') AS t,
              current_setting('enable_seqscan') AS s`,
    );
    expect(after.rows[0]).toEqual({ ro: 'off', t: '0', s: 'on' });
  });

  it('refuses a write, and after a failed work the connection is usable and the table unchanged', async () => {
    const error = await thrown(() =>
      withReadOnlyTransaction(single, 5_000, (client) => client.query('DELETE FROM kept')),
    );
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect((error as pg.DatabaseError).code).toBe('25006');
    expect((await single.query('SELECT n FROM kept ORDER BY n')).rows).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

describe('eachReadOnly with the live rule', () => {
  it('notes a missing table, counts a timeout as a finding where time is judged, and runs every other query', async () => {
    const run = await eachReadOnly(single, [absent, fine, slow, fine], 200, liveRefusal(true), count);
    expect(run).toEqual({
      results: [2, 2],
      absent: ['absent (relation "not_deployed_yet" does not exist)'],
      timedOut: ['slow'],
    });
  });

  it('is the gate error naming the live database and the query, for a timeout where time is not judged', async () => {
    const error = await thrown(() => eachReadOnly(single, [slow], 200, liveRefusal(false), count));
    expect(error).toBeInstanceOf(HermesError);
    expect((error as HermesError).code).toBe('gate_live_query_failed');
    expect((error as HermesError).message).toBe(
      'live database: query "slow": canceling statement due to statement timeout',
    );
  });

  it('stops at a query the server refuses for another reason, naming it', async () => {
    const ran: string[] = [];
    const error = await thrown(() =>
      eachReadOnly(single, [fine, broken, fine], 5_000, liveRefusal(true), (client, query) => {
        ran.push(query.name);
        return count(client, query);
      }),
    );
    expect((error as HermesError).code).toBe('gate_live_query_failed');
    expect((error as HermesError).message).toBe(
      'live database: query "broken": syntax error at or near "SELEC"',
    );
    expect((error as HermesError).cause).toBeInstanceOf(pg.DatabaseError);
    expect(ran).toEqual(['fine', 'broken']);
  });
});

describe('eachReadOnly with the scratch rule', () => {
  it('counts a timeout as a finding, and throws any other refusal as it is (a missing table is a defect there)', async () => {
    expect(await eachReadOnly(single, [slow, fine], 200, scratchRefusal, count)).toEqual({
      results: [2],
      absent: [],
      timedOut: ['slow'],
    });
    const error = await thrown(() => eachReadOnly(single, [absent], 5_000, scratchRefusal, count));
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect(error).not.toBeInstanceOf(HermesError);
    expect((error as pg.DatabaseError).code).toBe('42P01');
  });
});
