import { createHash } from 'node:crypto';
import type { Queryable } from '../db/queryable.ts';

export type AuditOutcome = 'ok' | 'denied' | 'not_found' | 'invalid' | 'error';

export interface AuditEntry {
  /** `key:<fingerprint>`, `cli:<user>`, or `anonymous`. */
  readonly actor: string;
  readonly action: string;
  /** A lead_id, or `subjectOfEmail(email)`; never an email itself. */
  readonly subject: string | null;
  readonly outcome: AuditOutcome;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** An email as the audit trail names it: its SHA-256, so the trail outlives an erasure without holding PII. */
export function subjectOfEmail(email: string): string {
  return `email-sha256:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
}

const sql = `INSERT INTO hermes_ops.audit_log (actor, action, subject, outcome, details) VALUES ($1, $2, $3, $4, $5)`;

export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query(sql, [
    entry.actor,
    entry.action,
    entry.subject,
    entry.outcome,
    JSON.stringify(entry.details ?? {}),
  ]);
}
