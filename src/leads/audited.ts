import type { Pool } from 'pg';
import type { Queryable } from '../db/queryable.ts';
import { withTransaction } from '../db/transaction.ts';
import { recordAudit, type AuditEntry, type AuditOutcome } from './record-audit.ts';

export interface AuditedAction<T> {
  readonly actor: string;
  readonly action: string;
  readonly subject: string | null;
  readonly work: (db: Queryable) => Promise<T>;
  /** The outcome and details to record for a result (default: ok, no details). */
  readonly describe?: (result: T) => { outcome: AuditOutcome; details?: Record<string, unknown> };
}

/**
 * Runs an admin or GDPR action and its audit entry in one transaction: an erasure is never done
 * without its trail, nor the trail written for an erasure that rolled back. A failure is audited
 * afterwards, on its own.
 */
export async function audited<T>(pool: Pool, action: AuditedAction<T>): Promise<T> {
  const base: Omit<AuditEntry, 'outcome'> = {
    actor: action.actor,
    action: action.action,
    subject: action.subject,
  };
  try {
    return await withTransaction(pool, async (client) => {
      const result = await action.work(client);
      const { outcome, details } = action.describe?.(result) ?? { outcome: 'ok' as const };
      await recordAudit(client, { ...base, outcome, ...(details ? { details } : {}) });
      return result;
    });
  } catch (error) {
    await recordAudit(pool, { ...base, outcome: 'error' }).catch(() => undefined);
    throw error;
  }
}
