import type { Queryable } from '../db/queryable.ts';
import { syntheticSource } from './synthetic-source.ts';

// Only synthetic leads: a person's lead is never touched, whatever its address. Their outbox rows
// and delivery attempts go with them (ON DELETE CASCADE), their used form tokens and idempotency
// keys here.
const sql = `
WITH lead AS (
  DELETE FROM hermes_leads WHERE email = $1 AND source = $2 RETURNING lead_id
), tokens AS (
  DELETE FROM hermes_ops.used_form_tokens WHERE lead_id IN (SELECT lead_id FROM lead) RETURNING 1
), keys AS (
  DELETE FROM hermes_idempotency_keys WHERE lead_id IN (SELECT lead_id FROM lead) RETURNING 1
)
SELECT (SELECT count(*) FROM lead)::int AS leads`;

/**
 * Deletes the synthetic leads sent with `email` (a gate's own address, unique to its run) and
 * what they left; how many there were.
 */
export async function removeSyntheticLeads(db: Queryable, email: string): Promise<number> {
  const { rows } = await db.query<{ leads: number }>(sql, [email, syntheticSource]);
  return rows[0]?.leads ?? 0;
}
