/** §3.1.2's database operations and the reads around them that prove they had no side effect. */

export const smokeLeadId = 'DEPLOYMENT-TEST-001';

/** §3.1.2's statements as the spec writes them (its `source` is left at the column's default). */
export const smokeInsertSql = `INSERT INTO hermes_leads (
    lead_id, first_name, last_name, email, country,
    phone_number, problem_description, service_urgency,
    agree_to_terms, privacy_consent
) VALUES (
    'DEPLOYMENT-TEST-001', 'Test', 'User', 'test@deployment.com',
    'United Kingdom', '+44 7700 900000', 'Deployment test',
    'not-urgent', TRUE, TRUE
)`;
export const smokeSelectSql = `SELECT * FROM hermes_leads WHERE lead_id = 'DEPLOYMENT-TEST-001'`;
export const smokeDeleteSql = `DELETE FROM hermes_leads WHERE lead_id = 'DEPLOYMENT-TEST-001'`;

/** What the INSERT sets, column by column: "data retrieved correctly" is every one read back as written. */
export const smokeLead: Readonly<Record<string, string | boolean>> = {
  lead_id: smokeLeadId,
  first_name: 'Test',
  last_name: 'User',
  email: 'test@deployment.com',
  country: 'United Kingdom',
  phone_number: '+44 7700 900000',
  problem_description: 'Deployment test',
  service_urgency: 'not-urgent',
  agree_to_terms: true,
  privacy_consent: true,
};

/** The columns of a retrieved row that differ from what the INSERT set (names only: no values). */
export function mismatchedColumns(row: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(smokeLead)
    .filter(([column, value]) => row[column] !== value)
    .map(([column]) => column);
}

/** A lead DEPLOYMENT-TEST-001 before the test: someone's, or an earlier run's, never the gate's to touch. */
export const presentSql = `SELECT count(*) AS n FROM hermes_leads WHERE lead_id = 'DEPLOYMENT-TEST-001'`;

/**
 * The rows other than the test lead with id up to $1, leaving out synthetic leads ($2: the E2E
 * gate, running beside this one, adds and removes its own): how many, the largest id, and a checksum.
 * The checksum is the sum of each row's md5 (its first 64 bits): one pass over the rows in
 * constant memory, with no sort and no string of the whole table (string_agg would build one).
 */
export const snapshotSql = `SELECT count(*) AS rows,
       coalesce(max(id), 0)::text AS max_id,
       coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint), 0)::text AS checksum
  FROM hermes_leads t
 WHERE id <= $1::bigint AND lead_id IS DISTINCT FROM 'DEPLOYMENT-TEST-001'
   AND source IS DISTINCT FROM $2::text`;

/** Every row: the bound of the snapshot taken before the test. */
export const everyId = '9223372036854775807';
