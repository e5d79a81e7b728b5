import { afterEach, describe, expect, it } from 'vitest';
import { schemaDriftGate } from '../../../src/gates/builtin/db/schema-drift.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { createTestDatabase, migrationsDir, type TestDatabase } from '../../support/test-database.ts';
import { gateContext, unreachableUrl } from './support/gate-context.ts';
import { testMigrator } from '../../support/migration-dir.ts';
import { judged } from '../support/judged.ts';

/** The three drift counts as judged (each must be 0). */
const driftRows = (missing: number, unexpected: number, differs: number) =>
  (
    [
      ['missing on the database', missing],
      ['not from any migration', unexpected],
      ['differing definitions', differs],
    ] as const
  ).map(([name, value]) => ({ name, value, threshold: 0, comparison: '==', passed: value === 0 }));

/** Each fault is planted alone, on a database of its own, so one cannot hide another. */
describe('db.schema.drift', () => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((db) => db.drop()));
  });

  async function database(options: { migrate?: boolean } = { migrate: true }): Promise<TestDatabase> {
    const db = await createTestDatabase(options);
    databases.push(db);
    return db;
  }

  async function judge(db: TestDatabase | string): Promise<GateOutcome> {
    const ctx = gateContext({ databaseUrl: typeof db === 'string' ? db : db.url });
    try {
      return await schemaDriftGate.run(ctx);
    } finally {
      await ctx.close();
    }
  }

  async function driftAfter(sql: string): Promise<GateOutcome> {
    const db = await database();
    await db.pool.query(sql);
    return judge(db);
  }

  it('passes on a database migrated by the migrations, naming how many objects matched', async () => {
    const outcome = await judge(await database());
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(/^\d+ schema objects match the migrations applied up to \d+$/);
    const matched = outcome.measurements?.find((m) => m.name === 'objects matched')?.value ?? 0;
    expect(matched).toBeGreaterThan(50);
    expect(judged(outcome)).toEqual(driftRows(0, 0, 0));
  });

  it('fails naming an index dropped by hand', async () => {
    const outcome = await driftAfter('DROP INDEX hermes_leads_email_idx');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('drift: index hermes_leads_email_idx missing');
    const missing = outcome.evidence?.find((e) => e.title.startsWith('missing on the database'));
    expect(missing?.content).toContain('CREATE INDEX hermes_leads_email_idx ON public.hermes_leads');
    expect(judged(outcome)).toEqual(driftRows(1, 0, 0));
  });

  it('fails naming a UNIQUE constraint removed by hand (and what went with it)', async () => {
    // hermes_outbox's foreign key references the unique key, so PostgreSQL drops both or neither.
    const outcome = await driftAfter(
      'ALTER TABLE hermes_leads DROP CONSTRAINT hermes_leads_lead_id_key CASCADE',
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^drift: /);
    expect(outcome.summary).toContain('constraint hermes_leads_lead_id_key missing');
    expect(outcome.summary).toContain('index hermes_leads_lead_id_key missing');
    const missing = outcome.evidence?.find((e) => e.title.startsWith('missing on the database'))?.content;
    expect(missing).toContain('- index CREATE UNIQUE INDEX hermes_leads_lead_id_key');
    expect(missing).toContain('- constraint public.hermes_outbox hermes_outbox_lead_id_fkey');
    expect(outcome.measurements).toContainEqual(
      expect.objectContaining({ name: 'missing on the database', value: 3, passed: false }),
    );
  });

  it('fails naming a column whose NOT NULL was removed by hand', async () => {
    const outcome = await driftAfter('ALTER TABLE hermes_leads ALTER COLUMN email DROP NOT NULL');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('drift: column hermes_leads.email: NOT NULL removed');
    expect(outcome.measurements).toContainEqual(
      expect.objectContaining({ name: 'differing definitions', value: 1, passed: false }),
    );
  });

  it('fails naming what changed in a column altered by hand', async () => {
    const outcome = await driftAfter(
      "ALTER TABLE hermes_leads ALTER COLUMN spam_reason TYPE varchar(40), ALTER COLUMN spam_reason SET DEFAULT 'none'",
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      "drift: column hermes_leads.spam_reason: type text → character varying(40), default 'none'::character varying added",
    );
  });

  it('fails naming a table created by hand as not from any migration', async () => {
    const outcome = await driftAfter('CREATE TABLE hermes_scratch_notes (id integer)');
    expect(outcome.status).toBe('fail');
    // Its columns are in the evidence; the summary names the table once.
    expect(outcome.summary).toBe('drift: table hermes_scratch_notes not from any migration');
    const extra = outcome.evidence?.find((e) => e.title.startsWith('not from any migration'));
    expect(extra?.content).toContain('+ column public.hermes_scratch_notes.id integer');
    // Counted as objects: the table and its one column.
    expect(judged(outcome)).toEqual(driftRows(0, 2, 0));
  });

  it('passes on a database with a pending migration: pending is not drift', async () => {
    const db = await database({ migrate: false });
    const migrator = testMigrator(db.pool, migrationsDir);
    const older = migrator.files().at(-2)?.version;
    expect(older).toBeDefined();
    const run = await migrator.up(older);
    if (run.error) throw run.error;
    const outcome = await judge(db);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toContain(`applied up to ${older ?? ''}; 1 pending migration not counted`);
    expect(judged(outcome)).toEqual(driftRows(0, 0, 0));
  });

  it('skips a database without schema_migrations, with the reason', async () => {
    const outcome = await judge(await database({ migrate: false }));
    expect(outcome.status).toBe('skip');
    expect(outcome.summary).toBe('no schema_migrations on the configured database');
    expect(outcome.reason).toContain('hermes migrate up');
  });

  it('is an error when the database is unreachable', async () => {
    const outcome = await judge(unreachableUrl);
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toBe('cannot connect to the database: connect ECONNREFUSED 127.0.0.1:1');
  });
});
