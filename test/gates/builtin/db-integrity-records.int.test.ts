import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityGate } from '../../../src/gates/builtin/db/integrity.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';
import { judged } from '../support/judged.ts';

/** The judged integrity counts on app.customers (each must be 0), by their names. */
const counts = (orphaned: number, duplicateRefs: number, outboxOrphans: number) =>
  (
    [
      ['orphaned_records', orphaned],
      ['duplicate_Refs', duplicateRefs],
      ['unvalidated constraints', 0],
      ['outbox rows without a lead', outboxOrphans],
    ] as const
  ).map(([name, value]) => ({ name, value, threshold: 0, comparison: '==', passed: value === 0 }));

/** Another project's records: a schema-qualified table, a mixed-case id column, its own outbox. */
const schemaSql = `
CREATE SCHEMA app;
CREATE TABLE app.customers (id serial PRIMARY KEY, "Ref" text, email text, created_at timestamptz DEFAULT now());
CREATE TABLE app.mailings (id serial PRIMARY KEY, "Ref" text NOT NULL);`;

const records = (overrides: Record<string, unknown> = {}) => ({
  gates: {
    thresholds: {
      db: {
        records: {
          table: 'app.customers',
          idColumn: 'Ref',
          emailColumn: 'email',
          createdAtColumn: 'created_at',
          outboxTable: 'app.mailings',
          ...overrides,
        },
      },
    },
  },
});

describe('db.integrity on another project’s table of records', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(schemaSql);
    await db.pool.query(
      `INSERT INTO app.customers ("Ref", email) VALUES ('C-1', 'a@example.test'), ('C-2', 'a@example.test')`,
    );
    await db.pool.query(`INSERT INTO app.mailings ("Ref") VALUES ('C-1')`);
  });
  afterAll(async () => {
    await db.drop();
  });

  async function run(config: Record<string, unknown>) {
    const ctx = gateContext({ databaseUrl: db.url, config });
    const outcome = await integrityGate.run(ctx);
    await ctx.close();
    return outcome;
  }

  it('passes on a clean table, counting its rows and duplicate emails', async () => {
    const outcome = await run(records());
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      '2 rows in app.customers: no orphaned records, no duplicate Refs in app.customers, 1 duplicate emails',
    );
    expect(judged(outcome)).toEqual(counts(0, 0, 0));
  });

  it('fails naming the table and column of a NULL id', async () => {
    await db.pool.query(`INSERT INTO app.customers ("Ref", email) VALUES (NULL, 'n@example.test')`);
    try {
      const outcome = await run(records());
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toBe('1 orphaned records (app.customers.Ref IS NULL)');
      expect(judged(outcome)).toEqual(counts(1, 0, 0));
    } finally {
      await db.pool.query(`DELETE FROM app.customers WHERE "Ref" IS NULL`);
    }
  });

  it('fails naming duplicate ids, with the rows as evidence', async () => {
    await db.pool.query(`INSERT INTO app.customers ("Ref", email) VALUES ('C-2', 'b@example.test')`);
    try {
      const outcome = await run(records());
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toBe('1 duplicate Refs in app.customers');
      expect(outcome.evidence?.[0]?.content).toEqual([{ Ref: 'C-2', copies: 2 }]);
      expect(judged(outcome)).toEqual(counts(0, 1, 0));
    } finally {
      await db.pool.query(`DELETE FROM app.customers WHERE email = 'b@example.test'`);
    }
  });

  it('fails on an outbox row whose record is gone', async () => {
    await db.pool.query(`INSERT INTO app.mailings ("Ref") VALUES ('C-404')`);
    try {
      const outcome = await run(records());
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toBe('1 rows of app.mailings without their row in app.customers');
      expect(judged(outcome)).toEqual(counts(0, 0, 1));
    } finally {
      await db.pool.query(`DELETE FROM app.mailings WHERE "Ref" = 'C-404'`);
    }
  });

  it('says which checks it left out when emailColumn and outboxTable are null', async () => {
    const outcome = await run(records({ emailColumn: null, outboxTable: null }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      '2 rows in app.customers: no orphaned records, no duplicate Refs in app.customers; duplicate emails not checked (no emailColumn); outbox not checked (no outboxTable)',
    );
    expect(outcome.measurements?.map((m) => m.name)).not.toContain('duplicate_emails');
    expect(outcome.measurements?.map((m) => m.name)).not.toContain('outbox rows without a lead');
  });

  it('says the outbox was not checked when the configured outbox table does not exist', async () => {
    const outcome = await run(records({ outboxTable: 'app.nowhere' }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toContain('outbox not checked (no table app.nowhere)');
  });

  it('is an error naming the key when a configured column does not exist', async () => {
    const outcome = await run(records({ idColumn: 'customer_ref' }));
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toContain(
      'column customer_ref (gates.thresholds.db.records.idColumn) does not exist in app.customers',
    );
  });

  it('skips with the key to set when the configured table does not exist', async () => {
    const outcome = await run(records({ table: 'app.clients' }));
    expect(outcome.status).toBe('skip');
    expect(outcome.summary).toBe('no table app.clients on the configured database: nothing to judge');
    expect(outcome.reason).toContain('gates.thresholds.db.records.table');
  });
});
