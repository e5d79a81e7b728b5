import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { HermesConfig } from '../../config/schema.ts';
import { findIdempotencyKey } from '../../leads/find-idempotency-key.ts';
import type { LeadToStore } from '../../leads/insert-lead-with-outbox.ts';
import { recordLead, type RecordOutcome } from '../../leads/record-lead.ts';
import type { ServiceMetrics } from '../../observability/service-metrics.ts';
import { ApiKeys } from '../api-keys.ts';
import { answerFormat } from '../contact/answer-format.ts';
import { apiClientKey, apiKeyRequired } from '../contact/api-client-key.ts';
import {
  fieldsNotValid,
  idempotencyKeyReused,
  resendAfterS,
  sendAgain,
  tooManySubmissions,
  type ResendCode,
} from '../contact/contact-problems.ts';
import { contactReplies, type ContactReplies } from '../contact/contact-replies.ts';
import { isRetryOf } from '../contact/idempotency-key.ts';
import { judgePost } from '../contact/judge-post.ts';
import { leadQuery } from '../contact/lead-query.ts';
import { emailLimitKey, leadToStore, storedOutcome } from '../contact/lead-to-store.ts';
import { parseEnvelope, type Submission } from '../contact/parse-envelope.ts';
import { postChannel } from '../contact/post-channel.ts';
import { syntheticHeader, syntheticMarker } from '../contact/synthetic-marker.ts';
import type { PageAssets } from '../page-assets.ts';
import type { FormTokens } from '../form-token.ts';
import { HttpProblem } from '../http-problem.ts';
import type { DataKeyRing } from '../../leads/encryption/field-cipher.ts';
import type { Limiter } from '../rate-limiter.ts';

export interface ContactOptions {
  pool: Pool;
  /** The current key encrypts each lead's phone number and description. */
  dataKeys: DataKeyRing;
  intake: HermesConfig['intake'];
  bodyLimitBytes: number;
  metrics: ServiceMetrics;
  tokens: FormTokens;
  /** The pages' assets, for the pages this route answers a form post with. */
  assets: PageAssets;
  /** The admin keys: the only keys that mark a lead synthetic (a gate's own, `Hermes-Synthetic`). */
  adminKeys: ApiKeys;
  onLeadCommitted?: (() => void) | undefined;
}

interface ContactLimiters {
  readonly ip: Limiter;
  /** Past its limit, a client's Idempotency-Keys are looked up at most this often. */
  readonly lookups: Limiter;
  /** Keyed by the hashed email set in `emailKeys` (known only after validation). */
  readonly email: Limiter;
  readonly emailKeys: WeakMap<FastifyRequest, string>;
}

/** Seconds until the limit resets, or undefined while under it (`isAllowed` only means "not allow-listed"). */
async function exceeded(limit: Limiter, request: FastifyRequest): Promise<number | undefined> {
  const verdict = await limit(request);
  return !verdict.isAllowed && verdict.isExceeded ? verdict.ttlInSeconds : undefined;
}

async function contactLimiters(
  app: FastifyInstance,
  limits: HermesConfig['intake']['rateLimit'],
): Promise<ContactLimiters | undefined> {
  if (!limits.enabled) return undefined;
  await app.register(rateLimit, { global: false });
  const emailKeys = new WeakMap<FastifyRequest, string>();
  const perIp = { max: limits.perIpMax, timeWindow: limits.perIpWindowMs };
  return {
    ip: app.createRateLimit({ ...perIp, keyGenerator: (request) => `ip:${request.ip}` }),
    lookups: app.createRateLimit({ ...perIp, keyGenerator: (request) => `ip-lookup:${request.ip}` }),
    email: app.createRateLimit({
      max: limits.perEmailMax,
      timeWindow: limits.perEmailWindowMs,
      keyGenerator: (request) => emailKeys.get(request) ?? 'email:',
    }),
    emailKeys,
  };
}

/** What the route's steps share: its options and its limiters (none when rate limits are off). */
interface Route {
  readonly options: ContactOptions;
  readonly limiters: ContactLimiters | undefined;
}

function query<T>(route: Route, operation: string, work: () => Promise<T>): Promise<T | HttpProblem> {
  const { metrics, intake } = route.options;
  return leadQuery(metrics, operation, intake.unavailableRetryAfterS, work);
}

function resend(route: Route, answer: ContactReplies, code: ResendCode): FastifyReply {
  const { tokens, intake } = route.options;
  return answer.refuse(sendAgain(code, tokens.issue(), resendAfterS(intake.minFillMs)), 'resend_requested');
}

/**
 * Over the per-IP limit, a retry of a committed lead still gets its answer rather than a 429. The
 * key is looked up only then, and only so often: fresh keys cannot flood the database.
 */
async function answerOverIpLimit(
  route: Route,
  request: FastifyRequest,
  answer: ContactReplies,
  submission: Submission,
  retryAfterS: number,
): Promise<FastifyReply> {
  const idempotency = submission.ok ? submission.idempotency : undefined;
  const { limiters } = route;
  if (idempotency && limiters && (await exceeded(limiters.lookups, request)) === undefined) {
    const stored = await query(route, 'find_idempotency_key', () =>
      findIdempotencyKey(route.options.pool, idempotency.key, idempotency.ttlHours),
    );
    if (stored instanceof HttpProblem) return answer.refuse(stored, 'unavailable');
    if (isRetryOf(stored, idempotency)) return answer.replay(stored);
  }
  return answer.refuse(tooManySubmissions(retryAfterS), 'rate_limited');
}

/** Past its limit a lead is stored, forwarded and flagged: the limit never turns a lead away. */
async function isOverEmailLimit(
  route: Route,
  request: FastifyRequest,
  emailKey: string | undefined,
): Promise<boolean> {
  const { limiters } = route;
  if (!limiters || emailKey === undefined) return false;
  limiters.emailKeys.set(request, emailKey);
  return (await exceeded(limiters.email, request)) !== undefined;
}

function answerRecorded(
  route: Route,
  answer: ContactReplies,
  outcome: RecordOutcome | HttpProblem,
  row: LeadToStore,
): FastifyReply {
  if (outcome instanceof HttpProblem) return answer.refuse(outcome, 'unavailable');
  switch (outcome.kind) {
    case 'conflict':
      return answer.refuse(idempotencyKeyReused(), 'idempotency_conflict');
    case 'token_used':
      return resend(route, answer, 'form_token_used');
    // A retry that committed before this request (same Idempotency-Key, or same form token and lead).
    case 'replayed':
      return answer.replay(outcome);
    case 'created': {
      const counted = storedOutcome(row);
      if (counted !== 'spam') route.options.onLeadCommitted?.();
      return answer.created(outcome.leadId, counted);
    }
  }
}

/**
 * `POST /api/contact`: the per-IP limit (past it, a committed lead's Idempotency-Key still gets its
 * answer, to a caller with a valid key), an API client's key when keys are configured (401, nothing
 * stored), validation (400 naming every field), spam guards (a form post's render token and fill
 * time, anyone's honeypot: a success-looking answer, stored flagged, never forwarded), a fresh
 * token for a form whose token expired, the per-email limit (genuine leads only; past it a lead
 * is flagged, never refused), then one statement that marks
 * the form token used and stores the lead: `201 {"lead_id"}` only after COMMIT. The decisions are
 * in src/intake/contact/; this is their sequence.
 */
export async function contactPlugin(app: FastifyInstance, options: ContactOptions): Promise<void> {
  const { intake, metrics, tokens, pool } = options;
  await app.register(formbody, { bodyLimit: options.bodyLimitBytes });
  const route: Route = { options, limiters: await contactLimiters(app, intake.rateLimit) };
  const guards = { tokens, minFillMs: intake.minFillMs };
  const apiKeys = new ApiKeys(intake.apiKeys);
  const replyDeps = { metrics, tokens, page: { ...intake, assets: options.assets } };

  app.post('/api/contact', async (request, reply) => {
    const format = answerFormat(request.headers);
    const envelope = parseEnvelope(request.body, request.headers['idempotency-key'], intake);
    const answer = contactReplies(reply, format, envelope.values, replyDeps);
    const { submission } = envelope;
    const channel = postChannel(request.headers, envelope.formToken);
    const key = apiClientKey(channel, apiKeys, request.headers.authorization);

    // Counted before the key is looked at, so that guessing keys is limited too; only a caller
    // with a valid key (or needing none) is given a committed lead's answer.
    const overIp = route.limiters ? await exceeded(route.limiters.ip, request) : undefined;
    if (overIp !== undefined) {
      if (key === 'missing' || key === 'wrong')
        return answer.refuse(tooManySubmissions(overIp), 'rate_limited');
      return answerOverIpLimit(route, request, answer, submission, overIp);
    }
    if (key === 'missing' || key === 'wrong') {
      // Thrown, not counted as a lead: nothing was submitted that could be one (always JSON: an API client).
      void reply.header('www-authenticate', 'Bearer realm="hermes-intake"');
      throw apiKeyRequired(key);
    }
    if (!submission.ok) return answer.refuse(fieldsNotValid(submission.fields), 'invalid', submission.fields);

    const verdict = judgePost(channel, guards, envelope);
    if (verdict.kind === 'expired') return resend(route, answer, 'form_token_expired');
    const marker = syntheticMarker(
      request.headers[syntheticHeader],
      submission.lead.email,
      options.adminKeys,
    );
    const { synthetic } = marker;
    if (!marker.synthetic && marker.ignored !== null)
      request.log.warn(
        { synthetic_marker: marker.ignored },
        'a Hermes-Synthetic header not honoured (a wrong key, or an address not at the reserved domain): stored as an ordinary lead',
      );
    const emailKey = emailLimitKey(submission, verdict, synthetic);
    const overEmailLimit = await isOverEmailLimit(route, request, emailKey);

    const row = leadToStore(submission, verdict, { channel, overEmailLimit, synthetic });
    const outcome = await query(route, 'record_lead', () =>
      recordLead(pool, options.dataKeys, row, submission.idempotency),
    );
    return answerRecorded(route, answer, outcome, row);
  });
}
