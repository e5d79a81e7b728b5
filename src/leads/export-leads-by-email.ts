import type { Queryable } from '../db/queryable.ts';
import type { DataKeyRing } from './encryption/field-cipher.ts';
import { decryptLeadRow } from './encryption/lead-fields.ts';
import { leadRowSelect, type LeadRow } from './lead-row.ts';
import { syntheticSource } from './synthetic-source.ts';

export interface DeliveryRecord {
  lead_id: string;
  delivery_id: string;
  status: string;
  attempts: number;
  delivered_at: Date | null;
  created_at: Date;
}

export interface DataExport {
  email: string;
  exported_at: string;
  leads: LeadRow[];
  deliveries: DeliveryRecord[];
}

// A gate's synthetic lead is no person's data: never part of anyone's export.
const leadsSql = `SELECT ${leadRowSelect} FROM hermes_leads WHERE email = $1 AND source <> $2 ORDER BY created_at`;
const deliveriesSql = `
SELECT o.lead_id, o.delivery_id, o.status, o.attempts, o.delivered_at, o.created_at
FROM hermes_outbox o JOIN hermes_leads l ON l.lead_id = o.lead_id
WHERE l.email = $1 AND l.source <> $2
ORDER BY o.created_at`;

/** Everything held about an email address (GDPR art. 15): its leads and where each was forwarded. */
export async function exportLeadsByEmail(
  db: Queryable,
  keys: DataKeyRing,
  email: string,
): Promise<DataExport> {
  const normalised = email.trim().toLowerCase();
  const params = [normalised, syntheticSource];
  const leads = await db.query<LeadRow & Record<string, unknown>>(leadsSql, params);
  const deliveries = await db.query<DeliveryRecord & Record<string, unknown>>(deliveriesSql, params);
  return {
    email: normalised,
    exported_at: new Date().toISOString(),
    // The person's own data, as they gave it: decrypted.
    leads: leads.rows.map((row) => decryptLeadRow(keys, row)),
    deliveries: deliveries.rows,
  };
}
