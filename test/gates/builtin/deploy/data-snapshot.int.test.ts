import { describe, expect, it } from 'vitest';
import { takeRecordsSnapshot } from '../../../../src/gates/builtin/deploy/data-snapshot.ts';
import { createTestDatabase } from '../../../support/test-database.ts';

const hermes = {
  table: 'hermes_leads',
  idColumn: 'lead_id',
  emailColumn: 'email',
  createdAtColumn: 'created_at',
  outboxTable: null,
};

describe('takeRecordsSnapshot', () => {
  it("reads another project's table, with or without the columns the figures need, and no table at all", async () => {
    const db = await createTestDatabase();
    await db.pool
      .query(`CREATE TABLE customers (ref varchar(12) NOT NULL CONSTRAINT customers_ref_key UNIQUE, amount numeric(10,2));
      INSERT INTO customers VALUES ('a', 1), ('b', 2), ('b2', NULL)`);
    const customers = {
      ...hermes,
      table: 'customers',
      idColumn: 'ref',
      emailColumn: null,
      createdAtColumn: null,
    };
    const snapshot = await takeRecordsSnapshot(db.pool, customers, 5_000);
    expect(snapshot?.columns).toEqual([
      {
        name: 'ref',
        dataType: 'character varying',
        udtName: 'varchar',
        maxLength: 12,
        precision: null,
        scale: null,
        nullable: false,
        type: 'character varying(12)',
      },
      {
        name: 'amount',
        dataType: 'numeric',
        udtName: 'numeric',
        maxLength: null,
        precision: 10,
        scale: 2,
        nullable: true,
        type: 'numeric(10,2)',
      },
    ]);
    expect(snapshot?.constraints).toContainEqual({
      name: 'customers_ref_key',
      type: 'u',
      definition: 'UNIQUE (ref)',
      validated: true,
    });
    expect(snapshot?.figures).toMatchObject({
      spec: { total_records: 3, unique_leads: 3, earliest_record: null, latest_record: null },
      earliest: null,
      latest: null,
      tally: { total: 3, unique: 3 },
    });
    // Bounded or not: without a created_at every row counts.
    expect((await takeRecordsSnapshot(db.pool, customers, 5_000, null))?.figures?.tally.total).toBe(3);
    const withoutCreatedAt = await takeRecordsSnapshot(
      db.pool,
      { ...customers, createdAtColumn: 'created_at' },
      5_000,
    );
    expect(withoutCreatedAt?.figures).toBeNull();
    expect(await takeRecordsSnapshot(db.pool, hermes, 5_000)).toBeNull();
  });

  it('counts, after a migration, only the rows created up to the earlier snapshot, to the microsecond', async () => {
    const db = await createTestDatabase({ migrate: true });
    const insert = (id: string, at: string) =>
      db.pool.query(
        `INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number, problem_description,
           service_urgency, agree_to_terms, privacy_consent, created_at)
         VALUES ($1, 'A', 'B', 'a@example.com', 'GB', '+44 20 7946 0958', 'help', 'soon', true, true, $2)`,
        [id, at],
      );
    await insert('HS-1', '2025-01-01 10:00:00.000001+00');
    await insert('HS-2', '2025-01-01 10:00:00.000002+00');
    const before = await takeRecordsSnapshot(db.pool, hermes, 5_000);
    // In the server's time zone, whichever it is, with its microseconds.
    expect(before?.figures?.latest).toMatch(/^2025-01-01 \d\d:00:00\.000002[+-]\d\d/);
    await insert('HS-3', '2025-01-01 10:00:00.000003+00');
    const after = await takeRecordsSnapshot(db.pool, hermes, 5_000, before?.figures?.latest ?? null);
    expect(after?.figures?.spec.total_records).toBe(3);
    expect(after?.figures?.tally).toEqual(before?.figures?.tally);
    // No rows before: none counts after.
    expect((await takeRecordsSnapshot(db.pool, hermes, 5_000, null))?.figures?.tally).toEqual({
      total: 0,
      unique: 0,
      checksum: '0',
    });
  });
});
