import type { LeadToStore } from '../../leads/insert-lead-with-outbox.ts';
import type { LeadOutcome } from '../../observability/service-metrics.ts';
import type { Verdict } from '../spam-verdict.ts';
import type { AcceptableSubmission } from './parse-envelope.ts';
import type { PostChannel } from './post-channel.ts';
import { sha256Hex } from '../../text/sha256-hex.ts';
import { syntheticSource } from '../../leads/synthetic-source.ts';

/** Every verdict but `expired`, which is answered (send it again) before anything is stored. */
export type StorableVerdict = Exclude<Verdict, { kind: 'expired' }>;

/**
 * Only a genuine lead counts toward its email's limit: a bot must not use up a real person's, nor
 * a gate's synthetic lead. The key is hashed, so that the limiter's store holds no address.
 */
export function emailLimitKey(
  submission: AcceptableSubmission,
  verdict: StorableVerdict,
  synthetic: boolean,
): string | undefined {
  return verdict.kind === 'genuine' && !synthetic ? `email:${sha256Hex(submission.lead.email)}` : undefined;
}

/**
 * The row a submission becomes. Spam is stored flagged (and never forwarded); past its email's
 * limit a lead is still stored and forwarded, flagged for review, never refused. A genuine lead's
 * form token is marked used with it.
 */
export function leadToStore(
  submission: AcceptableSubmission,
  verdict: StorableVerdict,
  posted: { readonly channel: PostChannel; readonly overEmailLimit: boolean; readonly synthetic: boolean },
): LeadToStore {
  return {
    lead: submission.lead,
    // Judged as it was posted (a form post by its render token, an API client's without one);
    // a gate's own lead is marked as such whichever way it came.
    source: posted.synthetic ? syntheticSource : posted.channel === 'form' ? 'web-form' : 'api',
    privacyPolicyVersion: submission.privacyPolicyVersion,
    spamReason: verdict.kind === 'spam' ? verdict.reason : null,
    reviewReason: posted.overEmailLimit ? 'over_email_limit' : null,
    formToken:
      verdict.kind === 'genuine' && verdict.token !== null
        ? { ...verdict.token, requestHash: submission.leadHash }
        : null,
  };
}

/** How a newly stored lead is counted: a gate's synthetic lead never as a person's. */
export function storedOutcome(row: Pick<LeadToStore, 'spamReason' | 'source'>): LeadOutcome {
  if (row.spamReason !== null) return 'spam';
  return row.source === syntheticSource ? 'synthetic' : 'accepted';
}
