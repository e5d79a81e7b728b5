import { describe, expect, it } from 'vitest';
import { integrityQueries } from '../../../src/gates/builtin/db/integrity-queries.ts';
import type { QuotedRecords } from '../../../src/gates/builtin/db/record-table.ts';

describe('integrityQueries', () => {
  it('are the spec’s §1.3.2 text with Hermes’s defaults', () => {
    const sql = integrityQueries({
      table: 'hermes_leads',
      idColumn: 'lead_id',
      emailColumn: 'email',
      outboxTable: 'hermes_outbox',
    } as QuotedRecords);
    expect(sql.total).toBe('SELECT COUNT(*) as total_leads FROM hermes_leads');
    expect(sql.orphaned).toBe('SELECT COUNT(*) as orphaned_records FROM hermes_leads WHERE lead_id IS NULL');
    expect(sql.duplicateEmails).toBe(`SELECT COUNT(*) as duplicate_emails FROM (
    SELECT email, COUNT(*) as cnt
    FROM hermes_leads
    GROUP BY email
    HAVING COUNT(*) > 1
) duplicates`);
  });
});
