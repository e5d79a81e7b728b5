import pg from 'pg';
import type { QuotedRecords } from './record-table.ts';

/**
 * §1.3.2's three queries and the checks its criteria name, on the configured records table. With
 * the defaults (hermes_leads, lead_id, email) the first three are the spec's text exactly, but
 * for the `source` filter integrityQueries adds to the duplicate-email count when asked.
 */
export interface IntegrityQueries {
  total: string;
  orphaned: string;
  /** null: no emailColumn configured. */
  duplicateEmails: string | null;
  duplicateIds: string;
  duplicateIdsCount: string;
  /** null: no outboxTable configured. */
  outboxOrphans: string | null;
}

/**
 * `withoutSource`: leave the rows of this `source` out of the duplicate-email count (Hermes's own
 * hermes_leads only: its deployment-test leads share addresses by design; another project's table
 * has no such column). Unset, every query is the spec's text.
 */
export function integrityQueries(r: QuotedRecords, withoutSource: string | null = null): IntegrityQueries {
  // A constant of Hermes's, never input; still quoted as a literal.
  const excluded = withoutSource === null ? '' : `\n    WHERE source <> ${pg.escapeLiteral(withoutSource)}`;
  return {
    total: `SELECT COUNT(*) as total_leads FROM ${r.table}`,
    orphaned: `SELECT COUNT(*) as orphaned_records FROM ${r.table} WHERE ${r.idColumn} IS NULL`,
    duplicateEmails:
      r.emailColumn === null
        ? null
        : `SELECT COUNT(*) as duplicate_emails FROM (
    SELECT ${r.emailColumn}, COUNT(*) as cnt
    FROM ${r.table}${excluded}
    GROUP BY ${r.emailColumn}
    HAVING COUNT(*) > 1
) duplicates`,
    duplicateIds: `SELECT ${r.idColumn}, COUNT(*) AS copies
  FROM ${r.table}
 WHERE ${r.idColumn} IS NOT NULL
 GROUP BY ${r.idColumn}
HAVING COUNT(*) > 1
 ORDER BY copies DESC, ${r.idColumn}
 LIMIT 20`,
    duplicateIdsCount: `SELECT COUNT(*) AS duplicate_ids FROM (
  SELECT ${r.idColumn} FROM ${r.table} WHERE ${r.idColumn} IS NOT NULL GROUP BY ${r.idColumn} HAVING COUNT(*) > 1
) duplicates`,
    // "Referential integrity maintained": outbox rows whose record is gone.
    outboxOrphans:
      r.outboxTable === null
        ? null
        : `SELECT COUNT(*) AS outbox_orphans
  FROM ${r.outboxTable} o
 WHERE NOT EXISTS (SELECT 1 FROM ${r.table} l WHERE l.${r.idColumn} = o.${r.idColumn})`,
  };
}

// "Data constraints enforced": a constraint added NOT VALID and never validated does not hold for old rows.
export const unvalidatedSql = `SELECT c.conrelid::regclass::text AS table_name, c.conname AS constraint_name
  FROM pg_constraint c
  JOIN pg_namespace n ON n.oid = c.connamespace
 WHERE NOT c.convalidated AND n.nspname NOT IN ('pg_catalog', 'information_schema')
 ORDER BY 1, 2`;
