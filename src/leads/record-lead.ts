import type { Pool } from 'pg';
import type { Queryable } from '../db/queryable.ts';
import { DatabaseError, toDatabaseError } from '../db/database-error.ts';
import { withTransaction } from '../db/transaction.ts';
import { claimIdempotencyKey } from './claim-idempotency-key.ts';
import { findIdempotencyKey } from './find-idempotency-key.ts';
import { findUsedFormToken } from './find-used-form-token.ts';
import { insertLeadWithOutbox, type LeadToStore } from './insert-lead-with-outbox.ts';
import type { DataKeyRing } from './encryption/field-cipher.ts';
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
  | { kind: 'conflict' }
  /** The form token was used for another lead: nothing stored. */
  | { kind: 'token_used' };

const idAttempts = 3;

/** Unwinds the transaction of a submission whose form token turned out to be used. */
class TokenAlreadyUsed extends Error {}

function isLeadIdCollision(error: DatabaseError): boolean {
  return error.kind === 'unique_violation' && error.constraint === 'hermes_leads_lead_id_key';
}

/** A used token's lead, when this submission is a retry of it (same token, same lead). */
async function replayOfToken(db: Queryable, row: LeadToStore): Promise<RecordOutcome> {
  const token = row.formToken;
  const used = token ? await findUsedFormToken(db, token.id) : undefined;
  return used !== undefined && used.requestHash === token?.requestHash
    ? { kind: 'replayed', leadId: used.leadId, statusCode: 201 }
    : { kind: 'token_used' };
}

/**
 * Stores a lead (and, unless it is spam, its outbox row) in one transaction, marking its form
 * token used; a token used before gives the earlier lead back when the submission is the same, else
 * `token_used`. With an Idempotency-Key, claims the key in that same transaction or returns the
 * answer it already got.
 * Resolves only after COMMIT; database failures reject with a DatabaseError. A connection lost
 * while COMMIT was on its way leaves the outcome unknown: the caller must not say nothing was
 * stored, only that the same Idempotency-Key makes a retry safe.
 */
export async function recordLead(
  pool: Pool,
  keys: DataKeyRing,
  row: LeadToStore,
  idempotency?: Idempotency,
): Promise<RecordOutcome> {
  for (let attempt = 1; ; attempt++) {
    const leadId = generateLeadId();
    try {
      if (!idempotency) {
        if (await insertLeadWithOutbox(pool, keys, leadId, row)) return { kind: 'created', leadId };
        return await replayOfToken(pool, row);
      }
      return await withTransaction(pool, async (client): Promise<RecordOutcome> => {
        const { key, requestHash, ttlHours } = idempotency;
        if (await claimIdempotencyKey(client, key, requestHash, leadId, 201, ttlHours)) {
          if (await insertLeadWithOutbox(client, keys, leadId, row)) return { kind: 'created', leadId };
          // Nothing of this request may stay, the key's claim included: roll it back.
          throw new TokenAlreadyUsed();
        }
        const stored = await findIdempotencyKey(client, key, ttlHours);
        if (stored?.requestHash !== requestHash) return { kind: 'conflict' };
        return { kind: 'replayed', leadId: stored.leadId, statusCode: stored.statusCode };
      });
    } catch (error) {
      if (error instanceof TokenAlreadyUsed) return await replayOfToken(pool, row);
      const dbError = toDatabaseError(error, 'storing a lead');
      // A random reference that is already taken (about 1 in 10^9 per day): draw another.
      if (isLeadIdCollision(dbError) && attempt < idAttempts) continue;
      throw dbError;
    }
  }
}
