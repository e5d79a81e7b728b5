import type { Queryable } from '../db/queryable.ts';
import { leadRowSelect, type LeadRow } from './lead-row.ts';

const sql = `SELECT ${leadRowSelect} FROM hermes_leads WHERE lead_id = $1`;

export async function findLead(db: Queryable, leadId: string): Promise<LeadRow | undefined> {
  const { rows } = await db.query<LeadRow & Record<string, unknown>>(sql, [leadId]);
  return rows[0];
}
