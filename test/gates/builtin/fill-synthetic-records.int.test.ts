import { describe, expect, it } from 'vitest';
import { fillSyntheticRecords } from '../../../src/gates/builtin/db/fill-synthetic-records.ts';
import type { RecordsConfig } from '../../../src/gates/builtin/db/record-table.ts';
import { useTestDatabase } from '../../support/test-database.ts';

// An empty database: each test makes the foreign project's table it fills, in a schema of its own.
const db = useTestDatabase({});

const records = (table: string, columns: Partial<RecordsConfig> = {}): RecordsConfig => ({
  table,
  idColumn: 'id',
  emailColumn: 'email',
  createdAtColumn: 'created_at',
  outboxTable: null,
  ...columns,
});

async function rowCount(table: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? -1;
}

async function analyzed(table: string): Promise<boolean> {
  const { rows } = await db.pool.query<{ analyzed: boolean }>(
    `SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relid = to_regclass($1)`,
    [table],
  );
  return rows[0]?.analyzed ?? false;
}

describe("fillSyntheticRecords on another project's table", () => {
  it('fills every NOT NULL column without a default with a value its type and CHECK accept, distinct where the type allows', async () => {
    await db.pool.query(`
      CREATE SCHEMA kinds;
      CREATE TYPE kinds.mood AS ENUM ('calm', 'angry');
      CREATE TABLE kinds.shop (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        email text,
        created_at timestamptz,
        label text NOT NULL UNIQUE,
        code varchar(20) NOT NULL UNIQUE,
        amount integer NOT NULL UNIQUE,
        paid boolean NOT NULL,
        due date NOT NULL,
        mood kinds.mood NOT NULL,
        tags text[] NOT NULL,
        origin inet NOT NULL,
        token uuid NOT NULL UNIQUE,
        doc jsonb NOT NULL,
        raw bytea NOT NULL,
        status text NOT NULL CHECK (status IN ('it''s new', 'done')),
        size varchar(5) NOT NULL CHECK (size IN ('s', 'm')),
        level integer NOT NULL CHECK (level IN (-3, 7)),
        rank integer NOT NULL CHECK (rank IN (5, 7)),
        ratio numeric NOT NULL CHECK (ratio IN (2, 1.5)),
        note text,
        region text NOT NULL DEFAULT 'eu',
        doubled bigint GENERATED ALWAYS AS (amount * 2) STORED
      )`);
    const result = await fillSyntheticRecords(db.pool, records('kinds.shop'), 25);
    expect(result).toEqual({ filled: 25 });
    const { rows } = await db.pool.query<Record<string, unknown>>(`
      SELECT count(*)::int AS n,
             count(DISTINCT label)::int AS labels, count(DISTINCT code)::int AS codes,
             count(DISTINCT amount)::int AS amounts, count(DISTINCT token)::int AS tokens,
             count(*) FILTER (WHERE email LIKE 'record%@example.invalid')::int AS emails,
             count(DISTINCT email)::int AS distinct_emails,
             bool_and(paid) AS paid, min(mood::text) AS mood, max(mood::text) AS max_mood,
             bool_and(tags = '{}') AS tags, min(host(origin)) AS origin, bool_and(doc = '{}') AS doc,
             bool_and(raw = '\\x00'::bytea) AS raw, min(status) AS status, max(status) AS max_status,
             min(size) AS size, min(level) AS level, min(rank) AS rank, min(ratio)::text AS ratio, bool_and(note IS NULL) AS notes_null,
             min(region) AS region, bool_and(doubled = amount * 2) AS generated,
             max(created_at) <= now() AS created_not_future,
             max(created_at) - min(created_at) > interval '600 days' AS created_spread,
             max(due) - min(due) > 600 AS due_spread
        FROM kinds.shop`);
    expect(rows[0]).toEqual({
      n: 25,
      labels: 25,
      codes: 25,
      amounts: 25,
      tokens: 25,
      // The queried columns get a value even where NULL would do, so the lookups find rows.
      emails: 25,
      distinct_emails: 25,
      paid: true,
      // The enum's first label, the CHECK's first allowed value (quotes unescaped).
      mood: 'calm',
      max_mood: 'calm',
      tags: true,
      origin: '127.0.0.1',
      doc: true,
      raw: true,
      status: "it's new",
      max_status: "it's new",
      size: 's',
      level: -3,
      // Unquoted numbers print as ARRAY[5, 7] and ARRAY[(2)::numeric, 1.5].
      rank: 5,
      ratio: '2',
      notes_null: true,
      region: 'eu',
      generated: true,
      // Spread over two years, as the synthetic leads are, for the range query's plan.
      created_not_future: true,
      created_spread: true,
      due_spread: true,
    });
    expect(await analyzed('kinds.shop')).toBe(true);
  });

  it('quotes the configured table and columns where PostgreSQL needs it', async () => {
    await db.pool.query(`
      CREATE SCHEMA "Quoted";
      CREATE TABLE "Quoted"."Customers" ("Id" serial PRIMARY KEY, "E-mail" text NOT NULL, "order" text NOT NULL)`);
    const result = await fillSyntheticRecords(
      db.pool,
      records('Quoted.Customers', { idColumn: 'Id', emailColumn: 'E-mail', createdAtColumn: null }),
      3,
    );
    expect(result).toEqual({ filled: 3 });
    const { rows } = await db.pool.query<{ email: string; order: string }>(
      `SELECT "E-mail" AS email, "order" FROM "Quoted"."Customers" ORDER BY "Id"`,
    );
    expect(rows).toEqual([
      { email: 'record1@example.invalid', order: 'synthetic-1' },
      { email: 'record2@example.invalid', order: 'synthetic-2' },
      { email: 'record3@example.invalid', order: 'synthetic-3' },
    ]);
  });

  it('fills a table whose every column the database fills, and inserts nothing for a count of 0', async () => {
    await db.pool.query(`
      CREATE SCHEMA bare;
      CREATE TABLE bare.events (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE bare.none (id serial PRIMARY KEY)`);
    const none = records('bare.events', { emailColumn: null, createdAtColumn: null });
    expect(await fillSyntheticRecords(db.pool, none, 4)).toEqual({ filled: 4 });
    expect(await rowCount('bare.events')).toBe(4);
    expect(
      await fillSyntheticRecords(
        db.pool,
        records('bare.none', { emailColumn: null, createdAtColumn: null }),
        0,
      ),
    ).toEqual({
      filled: 0,
    });
    expect(await rowCount('bare.none')).toBe(0);
    // Even empty, the table is analyzed: the planner then knows it is empty.
    expect(await analyzed('bare.none')).toBe(true);
  });

  it('refuses, inserting nothing, a NOT NULL column it cannot fill: a foreign key, an enum without labels, an unknown type', async () => {
    await db.pool.query(`
      CREATE SCHEMA refused;
      CREATE TABLE refused.parent (id serial PRIMARY KEY);
      CREATE TABLE refused.child (id serial PRIMARY KEY, parent_id integer NOT NULL REFERENCES refused.parent);
      CREATE TYPE refused.empty AS ENUM ();
      CREATE TABLE refused.moods (id serial PRIMARY KEY, mood refused.empty NOT NULL);
      CREATE TABLE refused.shapes (id serial PRIMARY KEY, at point NOT NULL)`);
    const plain = (table: string) => records(table, { emailColumn: null, createdAtColumn: null });
    expect(await fillSyntheticRecords(db.pool, plain('refused.child'), 5)).toEqual({
      filled: 0,
      refused: 'NOT NULL column parent_id references another table',
    });
    expect(await fillSyntheticRecords(db.pool, plain('refused.moods'), 5)).toEqual({
      filled: 0,
      refused: 'enum column mood has no label',
    });
    expect(await fillSyntheticRecords(db.pool, plain('refused.shapes'), 5)).toEqual({
      filled: 0,
      refused: 'cannot fill NOT NULL column at point generically',
    });
    for (const table of ['refused.child', 'refused.moods', 'refused.shapes'])
      expect(await rowCount(table)).toBe(0);
  });

  it('reports an insert the table refuses (a CHECK over two columns), with no row half-inserted', async () => {
    await db.pool.query(`
      CREATE SCHEMA strict;
      CREATE TABLE strict.ranges (id serial PRIMARY KEY, lo integer NOT NULL, hi integer NOT NULL,
                                  CONSTRAINT ranges_ordered CHECK (lo < hi))`);
    const result = await fillSyntheticRecords(
      db.pool,
      records('strict.ranges', { emailColumn: null, createdAtColumn: null }),
      5,
    );
    expect(result).toEqual({
      filled: 0,
      refused: expect.stringMatching(
        /^insert refused: .*violates check constraint "ranges_ordered"/,
      ) as unknown,
    });
    expect(await rowCount('strict.ranges')).toBe(0);
  });
});
