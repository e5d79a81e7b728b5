import type { QuotedRecords, SqlIdentifier } from './record-table.ts';

/** One of §4.2.1's counts: the rows whose `column` is NULL, under the spec's name for it. */
export interface RequiredField {
  readonly name: 'missing_lead_ids' | 'missing_emails' | 'missing_timestamps';
  readonly column: SqlIdentifier;
}

export interface RequiredFieldsQuery {
  readonly sql: string;
  /** The counts the query selects besides total_leads, in its order. */
  readonly fields: readonly RequiredField[];
}

/**
 * §4.2.1's query on the configured records table: with the defaults (hermes_leads, lead_id,
 * email, created_at) the spec's text exactly. A column the configuration sets to null is left out.
 */
export function requiredFieldsQuery(r: QuotedRecords): RequiredFieldsQuery {
  const wanted: [RequiredField['name'], SqlIdentifier | null][] = [
    ['missing_lead_ids', r.idColumn],
    ['missing_emails', r.emailColumn],
    ['missing_timestamps', r.createdAtColumn],
  ];
  const fields = wanted.flatMap(([name, column]) => (column === null ? [] : [{ name, column }]));
  const counts = [
    'COUNT(*) as total_leads',
    ...fields.map((f) => `COUNT(*) FILTER (WHERE ${f.column} IS NULL) as ${f.name}`),
  ];
  return { sql: `SELECT\n${counts.map((c) => `  ${c}`).join(',\n')}\nFROM ${r.table}`, fields };
}
