import { describe, expect, it } from 'vitest';
import { gateThresholdsSection } from '../../../src/config/sections/gate-thresholds.ts';
import {
  combinedStatus,
  indexesCreatedBy,
  pendingIndexSource,
} from '../../../src/gates/builtin/db/live-side.ts';
import { recordQueries } from '../../../src/gates/builtin/db/record-queries.ts';
import { quoteQualifiedName } from '../../../src/gates/builtin/db/record-table.ts';

const records = gateThresholdsSection.parse(undefined).db.records;

describe('the live side of the index and plan gates', () => {
  it('reads the index names a migration creates', () => {
    const sql = `-- hermes:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "hermes_leads_phone_idx" ON hermes_leads (phone_number);
CREATE INDEX app.orders_at_idx ON app.orders(at);
create index lower_idx on t (x);`;
    expect([...indexesCreatedBy(sql)].sort()).toEqual([
      'hermes_leads_phone_idx',
      'lower_idx',
      'orders_at_idx',
    ]);
  });

  it('excuses a missing live index only when a pending migration creates it', () => {
    const pending = [
      {
        name: '0099_add_country_index',
        upSql: 'CREATE INDEX hermes_leads_country_idx ON hermes_leads (country);',
      },
    ];
    expect(pendingIndexSource(['hermes_leads_country_idx'], pending)).toBe(
      'hermes_leads_country_idx comes with pending migration 0099_add_country_index',
    );
    expect(pendingIndexSource(['hermes_leads_email_idx'], pending)).toBeUndefined();
    expect(combinedStatus(false, 0, 1)).toBe('warn');
    expect(combinedStatus(false, 1, 1)).toBe('fail');
    expect(combinedStatus(true, 0, 0)).toBe('fail');
    expect(combinedStatus(false, 0, 0)).toBe('pass');
  });

  it("builds the default queries from db.records: the spec's text, other names quoted", () => {
    expect(recordQueries(records).map((q) => q.sql)).toEqual([
      `SELECT * FROM hermes_leads WHERE email = 'test@example.com'`,
      `SELECT * FROM hermes_leads WHERE created_at > NOW() - INTERVAL '1 day'`,
    ]);
    expect(quoteQualifiedName('app.Customers')).toBe('app."Customers"');
    const foreign = recordQueries({
      ...records,
      table: 'customers"; DROP TABLE x; --',
      createdAtColumn: null,
    });
    expect(foreign.map((q) => q.sql)).toEqual([
      `SELECT * FROM "customers""; DROP TABLE x; --" WHERE email = 'test@example.com'`,
    ]);
  });
});
