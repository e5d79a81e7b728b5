import type { Queryable } from '../db/queryable.ts';
import { syntheticEmailDomain, syntheticSource } from './synthetic-source.ts';

// Only synthetic leads at the reserved domain: a person's lead is never touched, whatever its
// address. Their outbox rows and delivery attempts go with them (ON DELETE CASCADE), their used
// form tokens and idempotency keys here. $1: one address, or null; $4: created before, or null.
const sql = `
WITH lead AS (
  DELETE FROM hermes_leads
   WHERE source = $2 AND email LIKE $3
     AND ($1::text IS NULL OR email = $1)
     AND ($4::timestamptz IS NULL OR created_at < $4)
  RETURNING lead_id
), tokens AS (
  DELETE FROM hermes_ops.used_form_tokens WHERE lead_id IN (SELECT lead_id FROM lead) RETURNING 1
), keys AS (
  DELETE FROM hermes_idempotency_keys WHERE lead_id IN (SELECT lead_id FROM lead) RETURNING 1
)
SELECT (SELECT count(*) FROM lead)::int AS leads`;

/**
 * Deletes the synthetic leads sent with `email` (a gate's own address, unique to its run), or
 * those created before `createdBefore` (what an interrupted run left), and what they left; how
 * many there were.
 */
export async function removeSyntheticLeads(
  db: Queryable,
  which: { email: string } | { createdBefore: Date },
): Promise<number> {
  const { rows } = await db.query<{ leads: number }>(sql, [
    'email' in which ? which.email : null,
    syntheticSource,
    `%@${syntheticEmailDomain}`,
    'createdBefore' in which ? which.createdBefore : null,
  ]);
  return rows[0]?.leads ?? 0;
}
