/**
 * Hermes's own table of leads, as `gates.thresholds.db.records.table` names it by default. Only
 * there do the spec's lead columns exist (privacy_consent, source, ...): the gates that write a
 * deployment-test lead or read those columns skip any other project's table.
 */
export const ownLeadsTable = 'hermes_leads';

/** Whether the configured records table is Hermes's hermes_leads (bare or in schema public). */
export function isOwnLeadsTable(table: string): boolean {
  return table === ownLeadsTable || table === `public.${ownLeadsTable}`;
}
