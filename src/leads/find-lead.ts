import type { Queryable } from '../db/queryable.ts';
import type { DataKeyRing } from './encryption/field-cipher.ts';
import { decryptLeadRow } from './encryption/lead-fields.ts';
import { leadRowSelect, type LeadRow } from './lead-row.ts';

const sql = `SELECT ${leadRowSelect} FROM hermes_leads WHERE lead_id = $1`;

/** One lead, its encrypted fields decrypted; undefined if none. */
export async function findLead(
  db: Queryable,
  keys: DataKeyRing,
  leadId: string,
): Promise<LeadRow | undefined> {
  const { rows } = await db.query<LeadRow & Record<string, unknown>>(sql, [leadId]);
  const [row] = rows;
  return row && decryptLeadRow(keys, row);
}
