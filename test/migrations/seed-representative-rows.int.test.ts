import { describe, expect, it } from 'vitest';
import { seedRepresentativeRows } from '../../src/migrations/seed-representative-rows.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

async function rows(db: TestDatabase, sql: string): Promise<unknown[]> {
  return (await db.pool.query<Record<string, unknown>>(sql)).rows;
}

describe('seedRepresentativeRows', () => {
  it('gives each user table one row that its types and single-column CHECKs accept', async () => {
    const db = await createTestDatabase();
    await db.pool.query(`
      CREATE TYPE mood AS ENUM ('calm', 'angry');
      CREATE TABLE kinds (
        id serial PRIMARY KEY,
        label text NOT NULL, amount numeric(6,2) NOT NULL, paid boolean NOT NULL, due timestamptz NOT NULL,
        mood mood NOT NULL, tags integer[] NOT NULL, origin inet NOT NULL, token uuid NOT NULL,
        doc jsonb NOT NULL, raw bytea NOT NULL,
        status text NOT NULL CHECK (status IN ('it''s open', 'closed')),
        level integer NOT NULL CHECK (level IN (-3, 7)), rank integer NOT NULL CHECK (rank IN (5, 7)),
        note text, region text NOT NULL DEFAULT 'eu'
      );
      CREATE TABLE only_defaults (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set<string>();
    expect(await seedRepresentativeRows(db.pool, done)).toEqual({
      seeded: ['public.kinds', 'public.only_defaults'],
      notSeeded: [],
    });
    expect(
      await rows(
        db,
        `SELECT label, amount::text, paid, mood::text, tags, host(origin) AS origin, doc, encode(raw, 'hex') AS raw,
                status, level, rank, note, region, token IS NOT NULL AS token, due <= now() AS due
           FROM kinds`,
      ),
    ).toEqual([
      {
        label: 'seed',
        amount: '1.00',
        paid: true,
        mood: 'calm',
        tags: [],
        origin: '127.0.0.1',
        doc: {},
        raw: '00',
        status: "it's open",
        level: -3,
        rank: 5,
        note: null,
        region: 'eu',
        token: true,
        due: true,
      },
    ]);
    expect(await rows(db, 'SELECT count(*)::int AS n FROM only_defaults')).toEqual([{ n: 1 }]);
    // Seeded tables are done: a second call (the next migration's) adds no row to them.
    expect([...done].sort()).toEqual(['public.kinds', 'public.only_defaults']);
    expect(await seedRepresentativeRows(db.pool, done)).toEqual({ seeded: [], notSeeded: [] });
    expect(await rows(db, 'SELECT count(*)::int AS n FROM kinds')).toEqual([{ n: 1 }]);
  });

  it('fills a referencing table once the table it references has its row, in a later round', async () => {
    const db = await createTestDatabase();
    // Sorted by name, "a_child" comes first: its insert finds no parent in the first round.
    await db.pool.query(`
      CREATE TABLE z_parent (code text PRIMARY KEY);
      CREATE TABLE a_child (id serial PRIMARY KEY, parent_code text NOT NULL REFERENCES z_parent (code))`);
    expect(await seedRepresentativeRows(db.pool, new Set())).toEqual({
      seeded: ['public.z_parent', 'public.a_child'],
      notSeeded: [],
    });
    expect(await rows(db, 'SELECT parent_code FROM a_child')).toEqual([{ parent_code: 'seed' }]);
  });

  it('names each table it cannot fill and why, once, and does not try them again', async () => {
    const db = await createTestDatabase();
    await db.pool.query(`
      CREATE TABLE shapes (id serial PRIMARY KEY, at point NOT NULL);
      CREATE TYPE empty_mood AS ENUM ();
      CREATE TABLE moods (id serial PRIMARY KEY, mood empty_mood NOT NULL);
      CREATE TABLE ranges (id serial PRIMARY KEY, lo integer NOT NULL, hi integer NOT NULL,
                           CONSTRAINT ranges_ordered CHECK (lo < hi));
      CREATE TABLE fine (id serial PRIMARY KEY)`);
    const done = new Set<string>();
    const first = await seedRepresentativeRows(db.pool, done);
    expect(first.seeded).toEqual(['public.fine']);
    expect(first.notSeeded).toEqual([
      'public.moods: cannot fill NOT NULL column mood empty_mood generically',
      expect.stringMatching(/^public\.ranges: insert refused: .*violates check constraint "ranges_ordered"/),
      'public.shapes: cannot fill NOT NULL column at point generically',
    ]);
    expect(
      await rows(
        db,
        'SELECT (SELECT count(*) FROM shapes)::int AS s, (SELECT count(*) FROM ranges)::int AS r',
      ),
    ).toEqual([{ s: 0, r: 0 }]);
    // Reported once: the next migration's seeding leaves them alone.
    expect([...done].sort()).toEqual(['public.fine', 'public.moods', 'public.ranges', 'public.shapes']);
    expect(await seedRepresentativeRows(db.pool, done)).toEqual({ seeded: [], notSeeded: [] });
  });

  it('puts the synthetic leads in a migrated public.hermes_leads, and a generic row in another shape of it', async () => {
    const migrated = await createTestDatabase({ migrate: true });
    const seeding = await seedRepresentativeRows(migrated.pool, new Set());
    expect(seeding.seeded).toContain('public.hermes_leads');
    expect(await rows(migrated, 'SELECT count(*)::int AS n FROM hermes_leads')).toEqual([{ n: 3 }]);

    // Another project's hermes_leads: the synthetic leads do not fit, one generic row does.
    const foreign = await createTestDatabase();
    await foreign.pool.query('CREATE TABLE hermes_leads (id serial PRIMARY KEY, title text NOT NULL)');
    expect(await seedRepresentativeRows(foreign.pool, new Set())).toEqual({
      seeded: ['public.hermes_leads'],
      notSeeded: [],
    });
    expect(await rows(foreign, 'SELECT title FROM hermes_leads')).toEqual([{ title: 'seed' }]);
  });
});
