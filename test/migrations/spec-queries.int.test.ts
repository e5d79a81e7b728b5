import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { migrationsDir, useTestDatabase } from '../support/test-database.ts';

/** The project's migrations by name, newest first: the order the specification's query lists them in. */
const newestFirst = readdirSync(migrationsDir)
  .filter((file) => file.endsWith('.up.sql'))
  .map((file) => file.slice(0, -'.up.sql'.length))
  .sort()
  .reverse();

describe("the specification's SQL on the migrated schema", () => {
  const db = useTestDatabase();

  it('§1.3.1: the migration validation query runs as written', async () => {
    const { rows } = await db.pool.query<{
      migration_name: string;
    }>(`SELECT migration_name, checksum, applied_at 
FROM schema_migrations 
ORDER BY applied_at DESC;`);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.at(-1)?.migration_name).toBe('0001_create_hermes_leads');
    // Every migration, once, newest first.
    expect(rows.map((r) => r.migration_name)).toEqual(newestFirst);
  });

  it('§3.1.2: the post-deployment smoke insert, select and delete succeed', async () => {
    const before = await db.pool.query('SELECT count(*)::int AS n FROM hermes_leads');
    await db.pool.query(`INSERT INTO hermes_leads (
    lead_id, first_name, last_name, email, country, 
    phone_number, problem_description, service_urgency,
    agree_to_terms, privacy_consent
) VALUES (
    'DEPLOYMENT-TEST-001', 'Test', 'User', 'test@deployment.com',
    'United Kingdom', '+44 7700 900000', 'Deployment test',
    'not-urgent', TRUE, TRUE
);`);
    const { rows } = await db.pool.query(`SELECT * FROM hermes_leads WHERE lead_id = 'DEPLOYMENT-TEST-001';`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      email: 'test@deployment.com',
      service_urgency: 'not-urgent',
      gdpr_compliant: true,
    });
    const deleted = await db.pool.query(`DELETE FROM hermes_leads WHERE lead_id = 'DEPLOYMENT-TEST-001';`);
    expect(deleted.rowCount).toBe(1);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM hermes_leads')).rows[0]).toEqual(
      before.rows[0],
    );
  });

  it('rejects a lead without consent or with an unknown urgency', async () => {
    const insert = (urgency: string, consent: boolean) =>
      db.pool.query(
        `INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number, problem_description,
                                   service_urgency, agree_to_terms, privacy_consent)
         VALUES ($1, 'A', 'B', 'a@b.example', 'FR', '+33123456789', 'x', $2, TRUE, $3)`,
        [`T-${urgency}-${String(consent)}`, urgency, consent],
      );
    await expect(insert('whenever', true)).rejects.toMatchObject({
      code: '23514',
      constraint: 'hermes_leads_service_urgency_check',
    });
    await expect(insert('urgent', false)).rejects.toMatchObject({
      code: '23514',
      constraint: 'hermes_leads_privacy_consented',
    });
  });

  it("serves the spec's email and created_at lookups from indexes", async () => {
    const { rows } = await db.pool.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'hermes_leads'`,
    );
    const defs = rows.map((r) => r.indexdef);
    expect(defs.some((d) => d.includes('(email)'))).toBe(true);
    expect(defs.some((d) => d.includes('(created_at)'))).toBe(true);
  });
});
