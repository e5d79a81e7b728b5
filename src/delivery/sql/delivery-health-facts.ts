import type { Queryable } from '../../db/queryable.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import type { AttemptOutcome } from '../attempt-outcome.ts';

export interface DeliveryHealthFacts {
  readonly last_success_at: Date | null;
  /** Failed attempts since the last success (counted up to 1,000). */
  readonly consecutive_failures: number;
  readonly last_failure_at: Date | null;
  readonly last_failure_outcome: AttemptOutcome | null;
  readonly last_failure_status: number | null;
}

// Failures are attempts that found n8n not taking leads; a 413 is n8n answering, about one lead.
const sql = `
WITH success AS (
  SELECT attempted_at FROM hermes_deliveries WHERE result = 'delivered' ORDER BY attempted_at DESC LIMIT 1
), failures AS (
  SELECT attempted_at, outcome, status_code FROM hermes_deliveries
  WHERE attempted_at > coalesce((SELECT attempted_at FROM success), '-infinity')
    AND outcome NOT IN ('delivered', 'payload_too_large')
  ORDER BY attempted_at DESC
  LIMIT 1000
)
SELECT
  (SELECT attempted_at FROM success) AS last_success_at,
  (SELECT count(*) FROM failures) AS consecutive_failures,
  f.attempted_at AS last_failure_at,
  f.outcome AS last_failure_outcome,
  f.status_code AS last_failure_status
FROM (SELECT 1) AS one
LEFT JOIN (SELECT * FROM failures ORDER BY attempted_at DESC LIMIT 1) AS f ON true`;

export async function deliveryHealthFacts(db: Queryable): Promise<DeliveryHealthFacts> {
  const { rows } = await db.query<DeliveryHealthFacts>(sql);
  const facts = rows[0];
  if (!facts) throw new HermesError('delivery_health_unreadable', 'delivery health query returned no row');
  return facts;
}
