import type { Pool } from 'pg';
import { anonymiseLeads } from './anonymise-leads.ts';
import { audited } from './audited.ts';
import { countLeadsOlderThan } from './count-leads-older-than.ts';
import { purgeIdempotencyKeys } from './purge-idempotency-keys.ts';
import { purgeUsedFormTokens } from './purge-used-form-tokens.ts';

export interface RetentionResult {
  lead_ids: string[];
  idempotency_keys_purged: number;
  form_tokens_purged: number;
}

/** Anonymises leads older than `olderThanDays` and forgets expired Idempotency-Keys and form tokens, audited. */
export function runRetention(
  pool: Pool,
  actor: string,
  olderThanDays: number,
  idempotencyTtlHours: number,
): Promise<RetentionResult> {
  return audited(pool, {
    actor,
    action: 'retention.run',
    subject: null,
    work: async (db) => ({
      lead_ids: await anonymiseLeads(db, { olderThanDays }),
      idempotency_keys_purged: await purgeIdempotencyKeys(db, idempotencyTtlHours),
      form_tokens_purged: await purgeUsedFormTokens(db),
    }),
    describe: (r) => ({
      outcome: 'ok',
      details: { older_than_days: olderThanDays, anonymised: r.lead_ids.length },
    }),
  });
}

export interface RetentionPlan {
  would_anonymise: number;
}

/**
 * What `runRetention` would anonymise now, changing nothing; audited as `retention.plan` (the
 * admin API audits every call; the CLI's `--dry-run` counts without a trail).
 */
export function planRetention(pool: Pool, actor: string, olderThanDays: number): Promise<RetentionPlan> {
  return audited(pool, {
    actor,
    action: 'retention.plan',
    subject: null,
    work: async (db) => ({ would_anonymise: await countLeadsOlderThan(db, olderThanDays) }),
    describe: (r) => ({
      outcome: 'ok',
      details: { older_than_days: olderThanDays, would_anonymise: r.would_anonymise },
    }),
  });
}
