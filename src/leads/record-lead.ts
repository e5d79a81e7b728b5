import type { Pool } from 'pg';
import { DatabaseError, toDatabaseError } from '../db/database-error.ts';
import { withTransaction } from '../db/transaction.ts';
import { claimIdempotencyKey } from './claim-idempotency-key.ts';
import { findIdempotencyKey } from './find-idempotency-key.ts';
import { insertLeadWithOutbox, type LeadToStore } from './insert-lead-with-outbox.ts';
import { generateLeadId } from './lead-id.ts';

export interface Idempotency {
  readonly key: string;
  /** SHA-256 of the normalised submission: the same key with another body is a conflict. */
  readonly requestHash: string;
  /** How long the key's answer is replayed (intake.idempotencyTtlHours). */
  readonly ttlHours: number;
}

export type RecordOutcome =
  | { kind: 'created'; leadId: string }
  | { kind: 'replayed'; leadId: string; statusCode: number }
  | { kind: 'conflict' };

const idAttempts = 3;

function isLeadIdCollision(error: DatabaseError): boolean {
  return error.kind === 'unique_violation' && error.constraint === 'hermes_leads_lead_id_key';
}

/**
 * Stores a lead (and, unless it is spam, its outbox row) in one transaction; with an
 * Idempotency-Key, claims the key in that same transaction or returns the answer it already got.
 * Resolves only after COMMIT; database failures reject with a DatabaseError. A connection lost
 * while COMMIT was on its way leaves the outcome unknown: the caller must not say nothing was
 * stored, only that the same Idempotency-Key makes a retry safe.
 */
export async function recordLead(
  pool: Pool,
  row: LeadToStore,
  idempotency?: Idempotency,
): Promise<RecordOutcome> {
  for (let attempt = 1; ; attempt++) {
    const leadId = generateLeadId();
    try {
      if (!idempotency) {
        await insertLeadWithOutbox(pool, leadId, row);
        return { kind: 'created', leadId };
      }
      return await withTransaction(pool, async (client): Promise<RecordOutcome> => {
        const { key, requestHash, ttlHours } = idempotency;
        if (await claimIdempotencyKey(client, key, requestHash, leadId, 201, ttlHours)) {
          await insertLeadWithOutbox(client, leadId, row);
          return { kind: 'created', leadId };
        }
        const stored = await findIdempotencyKey(client, key, ttlHours);
        if (stored?.requestHash !== requestHash) return { kind: 'conflict' };
        return { kind: 'replayed', leadId: stored.leadId, statusCode: stored.statusCode };
      });
    } catch (error) {
      const dbError = toDatabaseError(error, 'storing a lead');
      // A random reference that is already taken (about 1 in 10^9 per day): draw another.
      if (isLeadIdCollision(dbError) && attempt < idAttempts) continue;
      throw dbError;
    }
  }
}
