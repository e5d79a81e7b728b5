import { beforeEach, describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/db/database-error.ts';
import { insertLeadWithOutbox, type LeadToStore } from '../../src/leads/insert-lead-with-outbox.ts';
import { leadIdPattern } from '../../src/leads/lead-id.ts';
import { leadSchema } from '../../src/leads/lead-schema.ts';
import { recordLead, type Idempotency } from '../../src/leads/record-lead.ts';
import { validLead } from '../intake/support/valid-lead.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { developmentDataKeys } from '../support/data-keys.ts';

const takenId = 'HS-20250101-TAKEN0';

function aLead(): LeadToStore {
  return {
    lead: leadSchema.parse(validLead()),
    source: 'api',
    privacyPolicyVersion: '2025-01',
    spamReason: null,
  };
}

const idempotency: Idempotency = { key: 'clash-retry-key', requestHash: 'a'.repeat(64), ttlHours: 24 };

/**
 * The random reference is 1 in 32^6 per day to clash; the database makes it certain: its first
 * `clashes` lead inserts get the taken id, so the UNIQUE constraint itself refuses them. The
 * sequence counts the insert attempts (nextval survives the failed statements' rollback).
 */
async function clashOnFirstInserts(pool: import('pg').Pool, clashes: number): Promise<void> {
  await pool.query(`
    CREATE OR REPLACE FUNCTION test_clash_lead_id() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('test_lead_inserts') <= TG_ARGV[0]::int THEN NEW.lead_id := '${takenId}'; END IF;
      RETURN NEW;
    END $$`);
  await pool.query(`CREATE TRIGGER test_clash_lead_id BEFORE INSERT ON hermes_leads FOR EACH ROW
    WHEN (NEW.lead_id <> '${takenId}') EXECUTE FUNCTION test_clash_lead_id('${String(clashes)}')`);
}

async function insertAttempts(pool: import('pg').Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM test_lead_inserts',
  );
  return rows[0]?.n ?? -1;
}

async function storedLeads(pool: import('pg').Pool): Promise<{ lead_id: string; outbox: boolean }[]> {
  const { rows } = await pool.query<{ lead_id: string; outbox: boolean }>(`
    SELECT l.lead_id, o.id IS NOT NULL AS outbox
    FROM hermes_leads l LEFT JOIN hermes_outbox o USING (lead_id) ORDER BY l.id`);
  return rows;
}

describe('recordLead when the random lead reference is already taken', () => {
  const database = useTestDatabase();

  beforeEach(async () => {
    const { pool } = database;
    await pool.query('TRUNCATE hermes_leads, hermes_idempotency_keys CASCADE');
    await pool.query('DROP TRIGGER IF EXISTS test_clash_lead_id ON hermes_leads');
    await pool.query('DROP TRIGGER IF EXISTS test_clash_delivery_id ON hermes_outbox');
    await pool.query('DROP SEQUENCE IF EXISTS test_lead_inserts');
    await pool.query('CREATE SEQUENCE test_lead_inserts');
    expect(await insertLeadWithOutbox(pool, developmentDataKeys, takenId, aLead())).toBe(true);
  });

  it('draws another reference and stores the lead once, with its outbox row', async () => {
    const { pool } = database;
    await clashOnFirstInserts(pool, 1);
    const outcome = await recordLead(pool, developmentDataKeys, aLead());
    expect(outcome.kind).toBe('created');
    const leadId = outcome.kind === 'created' ? outcome.leadId : '';
    expect(leadId).toMatch(leadIdPattern);
    expect(leadId).not.toBe(takenId);
    expect(await insertAttempts(pool)).toBe(2);
    expect(await storedLeads(pool)).toEqual([
      { lead_id: takenId, outbox: true },
      { lead_id: leadId, outbox: true },
    ]);
  });

  it('with an Idempotency-Key, claims the key again for the new reference (the first claim rolled back)', async () => {
    const { pool } = database;
    await clashOnFirstInserts(pool, 1);
    const outcome = await recordLead(pool, developmentDataKeys, aLead(), idempotency);
    expect(outcome.kind).toBe('created');
    const leadId = outcome.kind === 'created' ? outcome.leadId : '';
    expect(await insertAttempts(pool)).toBe(2);
    const { rows } = await pool.query<{ lead_id: string }>(
      'SELECT lead_id FROM hermes_idempotency_keys WHERE idempotency_key = $1',
      [idempotency.key],
    );
    expect(rows).toEqual([{ lead_id: leadId }]);
    expect(await storedLeads(pool)).toEqual([
      { lead_id: takenId, outbox: true },
      { lead_id: leadId, outbox: true },
    ]);
  });

  it('gives up after three clashes with the unique violation, having stored nothing', async () => {
    const { pool } = database;
    await clashOnFirstInserts(pool, 3);
    const failing = recordLead(pool, developmentDataKeys, aLead(), idempotency);
    await expect(failing).rejects.toBeInstanceOf(DatabaseError);
    await expect(failing).rejects.toMatchObject({
      kind: 'unique_violation',
      constraint: 'hermes_leads_lead_id_key',
    });
    expect(await insertAttempts(pool)).toBe(3);
    expect(await storedLeads(pool)).toEqual([{ lead_id: takenId, outbox: true }]);
    const keys = await pool.query('SELECT 1 FROM hermes_idempotency_keys');
    expect(keys.rowCount).toBe(0);
  });

  it('does not retry a unique violation of another constraint (a clashing delivery id): no lead stays without its outbox row', async () => {
    const { pool } = database;
    // The lead insert is counted; its outbox row then takes the taken lead's delivery id.
    await clashOnFirstInserts(pool, 0);
    await pool.query(`
      CREATE OR REPLACE FUNCTION test_clash_delivery_id() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.delivery_id := (SELECT delivery_id FROM hermes_outbox WHERE lead_id = '${takenId}');
        RETURN NEW;
      END $$`);
    await pool.query(`CREATE TRIGGER test_clash_delivery_id BEFORE INSERT ON hermes_outbox FOR EACH ROW
      WHEN (NEW.lead_id <> '${takenId}') EXECUTE FUNCTION test_clash_delivery_id()`);
    await expect(recordLead(pool, developmentDataKeys, aLead())).rejects.toMatchObject({
      kind: 'unique_violation',
      constraint: 'hermes_outbox_delivery_id_key',
    });
    expect(await insertAttempts(pool)).toBe(1);
    expect(await storedLeads(pool)).toEqual([{ lead_id: takenId, outbox: true }]);
  });
});
