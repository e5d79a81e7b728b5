import type { Queryable } from '../db/queryable.ts';
import { leadRowSelect, type LeadRow } from './lead-row.ts';

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

const leadsSql = `SELECT ${leadRowSelect} FROM hermes_leads WHERE email = $1 ORDER BY created_at`;
const deliveriesSql = `
SELECT o.lead_id, o.delivery_id, o.status, o.attempts, o.delivered_at, o.created_at
FROM hermes_outbox o JOIN hermes_leads l ON l.lead_id = o.lead_id
WHERE l.email = $1
ORDER BY o.created_at`;

/** Everything held about an email address (GDPR art. 15): its leads and where each was forwarded. */
export async function exportLeadsByEmail(db: Queryable, email: string): Promise<DataExport> {
  const normalised = email.trim().toLowerCase();
  const leads = await db.query<LeadRow & Record<string, unknown>>(leadsSql, [normalised]);
  const deliveries = await db.query<DeliveryRecord & Record<string, unknown>>(deliveriesSql, [normalised]);
  return {
    email: normalised,
    exported_at: new Date().toISOString(),
    leads: leads.rows,
    deliveries: deliveries.rows,
  };
}
