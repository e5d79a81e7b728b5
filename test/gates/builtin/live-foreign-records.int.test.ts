import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { indexesGate } from '../../../src/gates/builtin/db/indexes.ts';
import { queryPlansGate } from '../../../src/gates/builtin/db/query-plans.ts';
import type { Gate, GateOutcome } from '../../../src/gates/gate.ts';
import { testMigrator, writeMigrations } from '../../support/migration-dir.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';
import { judged } from '../support/judged.ts';

const unserved = (side: string, value: number) => ({
  name: `patterns without an index (${side})`,
  value,
  threshold: 0,
  comparison: '==',
  passed: value === 0,
});

/** Another project: its own table of records, with columns a generic fill must satisfy. */
const customersDir = writeMigrations({
  '0001_create_customers': {
    up: `CREATE TABLE customers (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL,
  email      text NOT NULL,
  tier       text NOT NULL CHECK (tier IN ('free', 'pro')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_email_idx ON customers (email);
CREATE INDEX customers_created_at_idx ON customers (created_at);
`,
    down: 'DROP TABLE customers;\n',
  },
});

/** Another project with no table of records at all. */
const widgetsDir = writeMigrations({
  '0001_create_widgets': {
    up: 'CREATE TABLE widgets (id bigint PRIMARY KEY);\n',
    down: 'DROP TABLE widgets;\n',
  },
});

const customersConfig = {
  migrations: { dir: customersDir },
  gates: {
    thresholds: {
      db: {
        records: { table: 'customers', idColumn: 'id', outboxTable: null },
        queryPlans: { syntheticLeads: 2_000 },
      },
    },
  },
};

describe('db.schema.indexes and db.query-plans on another project', () => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((db) => db.drop()));
  });
  afterAll(() => {
    for (const dir of [customersDir, widgetsDir]) rmSync(dir, { recursive: true, force: true });
  });

  async function migratedWith(dir: string): Promise<TestDatabase> {
    const db = await createTestDatabase();
    databases.push(db);
    const run = await testMigrator(db.pool, dir).up();
    if (run.error) throw run.error;
    return db;
  }

  async function judge(gate: Gate, db: TestDatabase, config: Record<string, unknown>): Promise<GateOutcome> {
    const ctx = gateContext({ databaseUrl: db.url, config });
    try {
      return await gate.run(ctx);
    } finally {
      await ctx.close();
    }
  }

  it('db.schema.indexes passes on a configured records table, on scratch and live', async () => {
    const db = await migratedWith(customersDir);
    const outcome = await judge(indexesGate, db, customersConfig);
    expect(outcome.status, outcome.summary).toBe('pass');
    // Index Scan or Bitmap Index Scan: the planner's choice on an empty table; the index is the point.
    expect(outcome.summary).toMatch(
      /^2 query patterns served by an index on scratch \(migrations\) and the live database: email lookup \((Bitmap )?Index Scan using customers_email_idx\), created_at range \((Bitmap )?Index Scan using customers_created_at_idx\)$/,
    );
    expect(judged(outcome)).toEqual([unserved('scratch (migrations)', 0), unserved('live database', 0)]);
  });

  it('db.schema.indexes fails naming the live side when the configured table lost an index', async () => {
    const db = await migratedWith(customersDir);
    await db.pool.query('DROP INDEX customers_email_idx');
    const outcome = await judge(indexesGate, db, customersConfig);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('no index serves email lookup (Seq Scan on customers) on the live database');
    expect(judged(outcome)).toEqual([unserved('scratch (migrations)', 0), unserved('live database', 1)]);
  });

  it('db.query-plans fills the configured table with generic synthetic rows and judges both sides', async () => {
    const db = await migratedWith(customersDir);
    const outcome = await judge(queryPlansGate, db, customersConfig);
    // Execution time is reported, not asserted (no timed assertions): the plan shapes are.
    expect(outcome.summary).not.toMatch(/Seq Scan on customers, no index scan|no index scan on|not judged/);
    expect(outcome.summary).toMatch(/email lookup: .*customers_email_idx in [\d.]+ ms; live: /);
    expect(outcome.measurements).toContainEqual(
      expect.objectContaining({ name: 'synthetic leads', value: 2_000 }),
    );
    expect(outcome.measurements).toContainEqual(
      expect.objectContaining({ name: 'sequential scans', value: 0, passed: true }),
    );
    // Nothing of the scratch fill on live.
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
    expect(rows[0]?.n).toBe(0);
  });

  it('both skip, saying how to configure, when the migrations create no records table', async () => {
    const db = await migratedWith(widgetsDir);
    const config = { migrations: { dir: widgetsDir } };
    for (const gate of [indexesGate, queryPlansGate]) {
      const outcome = await judge(gate, db, config);
      expect(outcome.status, outcome.summary).toBe('skip');
      expect(outcome.summary).toBe('no table hermes_leads in the migrated schema');
      expect(outcome.reason).toContain('set gates.thresholds.db.records.table');
      expect(outcome.reason).not.toContain('does not exist');
    }
  });
});
