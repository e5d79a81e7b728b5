import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdentifier } from '../../../src/gates/builtin/db/record-table.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

describe('quoteIdentifier agrees with the server', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('quotes every keyword, and only the ones, that quote_ident quotes', async () => {
    const { rows } = await db.pool.query<{ word: string; quoted: string }>(
      `SELECT word, quote_ident(word) AS quoted FROM pg_get_keywords()
       UNION ALL SELECT w, quote_ident(w) FROM unnest($1::text[]) AS w`,
      [['hermes_leads', 'Customers', 'a"b', 'e-mail', '1st', '_x$1']],
    );
    const differing = rows.filter((r) => quoteIdentifier(r.word) !== r.quoted);
    expect(differing).toEqual([]);
  });
});
