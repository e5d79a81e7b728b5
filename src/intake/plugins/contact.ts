import { createHash } from 'node:crypto';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { HermesConfig } from '../../config/schema.ts';
import { DatabaseError } from '../../db/database-error.ts';
import type { LeadSource } from '../../leads/insert-lead-with-outbox.ts';
import { findIdempotencyKey, type StoredAnswer } from '../../leads/find-idempotency-key.ts';
import { recordLead, type Idempotency } from '../../leads/record-lead.ts';
import { validateLead, type FieldError } from '../../leads/validate-lead.ts';
import { describeGot } from '../../leads/describe-got.ts';
import type { LeadOutcome, ServiceMetrics } from '../../observability/service-metrics.ts';
import type { FormTokens } from '../form-token.ts';
import { HttpProblem } from '../http-problem.ts';
import type { Limiter } from '../rate-limiter.ts';
import { renderConfirmationPage } from '../pages/render-confirmation-page.ts';
import { renderFormPage } from '../pages/render-form-page.ts';
import { spamVerdict } from '../spam-verdict.ts';
import { toProblem } from './error-answers.ts';

export interface ContactOptions {
  pool: Pool;
  intake: HermesConfig['intake'];
  bodyLimitBytes: number;
  metrics: ServiceMetrics;
  tokens: FormTokens;
  onLeadCommitted?: (() => void) | undefined;
}

/** Seconds until the limit resets, or undefined while under it (`isAllowed` only means "not allow-listed"). */
async function exceeded(limit: Limiter, request: FastifyRequest): Promise<number | undefined> {
  const verdict = await limit(request);
  return !verdict.isAllowed && verdict.isExceeded ? verdict.ttlInSeconds : undefined;
}

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A form posted by a browser without JavaScript: it gets HTML back, everyone else JSON. */
function wantsHtml(request: FastifyRequest): boolean {
  return (
    (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * `POST /api/contact`: the per-IP limit (past it, a committed lead's Idempotency-Key still gets its
 * answer), validation (400 naming every field), spam guards (a success-looking answer, stored
 * flagged, never forwarded), a fresh token for a form whose token expired, the per-email limit
 * (genuine leads only; past it a lead is flagged, never refused), then one statement that marks
 * the form token used and stores the lead: `201 {"lead_id"}` only after COMMIT.
 */
export async function contactPlugin(app: FastifyInstance, options: ContactOptions): Promise<void> {
  const { intake, metrics, tokens } = options;
  await app.register(formbody, { bodyLimit: options.bodyLimitBytes });

  let limitIp: Limiter | undefined;
  let limitLookups: Limiter | undefined;
  let limitEmail: Limiter | undefined;
  // The email is only known after validation; its limiter reads it (hashed) from here.
  const emailKeys = new WeakMap<FastifyRequest, string>();
  if (intake.rateLimit.enabled) {
    await app.register(rateLimit, { global: false });
    limitIp = app.createRateLimit({
      max: intake.rateLimit.perIpMax,
      timeWindow: intake.rateLimit.perIpWindowMs,
      keyGenerator: (request) => `ip:${request.ip}`,
    });
    // Past its limit, a client's Idempotency-Keys are looked up at most this often.
    limitLookups = app.createRateLimit({
      max: intake.rateLimit.perIpMax,
      timeWindow: intake.rateLimit.perIpWindowMs,
      keyGenerator: (request) => `ip-lookup:${request.ip}`,
    });
    limitEmail = app.createRateLimit({
      max: intake.rateLimit.perEmailMax,
      timeWindow: intake.rateLimit.perEmailWindowMs,
      keyGenerator: (request) => emailKeys.get(request) ?? 'email:',
    });
  }

  const guards = { tokens, minFillMs: intake.minFillMs };
  const knownPolicies = new Set([intake.privacyPolicyVersion, ...intake.acceptedPrivacyPolicyVersions]);
  // A form sent again with a fresh token must still look filled in by a person: it waits the fill time.
  const resendAfterS = Math.max(1, Math.ceil(intake.minFillMs / 1000));
  const problemOptions = {
    bodyLimitBytes: options.bodyLimitBytes,
    unavailableRetryAfterS: intake.unavailableRetryAfterS,
    metrics,
  };

  app.post('/api/contact', async (request, reply) => {
    const html = wantsHtml(request);
    const body: unknown = request.body;
    const values = isRecord(body) ? body : {};
    const count = (outcome: LeadOutcome) => metrics.leadsReceived.inc({ outcome });

    const fail = (problem: HttpProblem, outcome: LeadOutcome, errors?: Record<string, string>) => {
      count(outcome);
      if (!html) throw problem;
      if (problem.retryAfterS !== undefined) void reply.header('retry-after', String(problem.retryAfterS));
      // The page shown again keeps its token (and so its fill time), unless the answer brings a fresh one.
      const { form_token: fresh } = problem.extra;
      const kept = values.form_token;
      return reply
        .code(problem.statusCode)
        .type('text/html; charset=utf-8')
        .send(
          renderFormPage({
            formToken:
              typeof fresh === 'string'
                ? fresh
                : typeof kept === 'string' && kept.length <= 100
                  ? kept
                  : tokens.issue(),
            honeypotField: intake.honeypotField,
            privacyPolicyVersion: intake.privacyPolicyVersion,
            privacyPolicyUrl: intake.privacyPolicyUrl,
            values,
            ...(errors ? { errors } : {}),
            notice: errors ? 'Please correct the fields marked below.' : problem.message,
          }),
        );
    };
    // A form that cannot be sent as it is (its token expired, or already brought a lead): nothing is
    // stored, and the answer carries a fresh token to send the same fields again with.
    const resend = (code: 'form_token_expired' | 'form_token_used') =>
      fail(
        new HttpProblem(
          409,
          code,
          code === 'form_token_expired'
            ? 'this form was open too long to be sent as it is; nothing was stored yet: please send it again'
            : 'this form has already been sent once; nothing new was stored: please send it again to send another request',
          { retryAfterS: resendAfterS, extra: { form_token: tokens.issue() } },
        ),
        'resend_requested',
      );

    // The envelope: spam guards and the consent's policy version travel with the lead, outside it.
    const {
      form_token: formToken,
      privacy_policy_version: policyVersion,
      [intake.honeypotField]: honeypot,
      ...rest
    } = values;

    const problems: FieldError[] = [];
    const validation = validateLead(isRecord(body) ? rest : body);
    if (!validation.ok) problems.push(...validation.fields);
    // The client may only claim consent to a policy this configuration published.
    if (
      policyVersion !== undefined &&
      (typeof policyVersion !== 'string' || !knownPolicies.has(policyVersion))
    ) {
      problems.push({
        field: 'privacy_policy_version',
        expected: `a privacy policy version this site published (${[...knownPolicies].join(', ')})`,
        got: describeGot(policyVersion),
      });
    }
    const keyHeader = request.headers['idempotency-key'];
    if (
      keyHeader !== undefined &&
      (typeof keyHeader !== 'string' || !idempotencyKeyPattern.test(keyHeader))
    ) {
      problems.push({
        field: 'Idempotency-Key',
        expected: 'a header of 1 to 255 visible ASCII characters (a UUID, for example)',
        got: describeGot(keyHeader),
      });
    }
    // What tells a retry of this lead from another: for its Idempotency-Key and its form token.
    const leadHash = validation.ok ? sha256(JSON.stringify(validation.lead)) : '';
    const idempotency: Idempotency | undefined =
      typeof keyHeader === 'string' && validation.ok && problems.length === 0
        ? {
            key: keyHeader,
            requestHash: leadHash,
            ttlHours: intake.idempotencyTtlHours,
          }
        : undefined;
    const unavailable = (error: unknown) => {
      const problem = toProblem(error, problemOptions, request.id);
      if (problem.statusCode !== 503) {
        count('error');
        throw error;
      }
      // Counted here, as the error handler never sees it; other errors are counted there, once.
      if (error instanceof DatabaseError) metrics.databaseErrors.inc({ kind: error.kind });
      // The connection may have dropped after COMMIT: the lead may be stored, the key makes a retry safe.
      return new HttpProblem(
        503,
        'database_unavailable',
        'the database is unavailable; the lead may not have been stored: retry later with the same Idempotency-Key',
        { retryAfterS: intake.unavailableRetryAfterS },
      );
    };
    const timed = async <T>(operation: string, work: () => Promise<T>): Promise<T | HttpProblem> => {
      const stopTimer = metrics.databaseQueryDuration.startTimer({ operation });
      try {
        return await work();
      } catch (error) {
        return unavailable(error);
      } finally {
        stopTimer();
      }
    };
    const answer = (leadId: string, status: number) =>
      html
        ? reply.code(status).type('text/html; charset=utf-8').send(renderConfirmationPage(leadId))
        : reply.code(status).send({ lead_id: leadId });
    const replay = (stored: Pick<StoredAnswer, 'leadId' | 'statusCode'>) => {
      count('replayed');
      void reply.header('idempotent-replayed', 'true');
      return answer(stored.leadId, stored.statusCode);
    };

    if (limitIp) {
      const retryAfterS = await exceeded(limitIp, request);
      if (retryAfterS !== undefined) {
        // Over the limit, a retry of a committed lead still gets its answer rather than a 429. The
        // key is looked up only then, and only so often: fresh keys cannot flood the database.
        if (idempotency && limitLookups && (await exceeded(limitLookups, request)) === undefined) {
          const stored = await timed('find_idempotency_key', () =>
            findIdempotencyKey(options.pool, idempotency.key, idempotency.ttlHours),
          );
          if (stored instanceof HttpProblem) return fail(stored, 'unavailable');
          if (stored?.requestHash === idempotency.requestHash) return replay(stored);
        }
        return fail(
          new HttpProblem(429, 'rate_limited', 'too many submissions from this address; nothing was stored', {
            retryAfterS,
          }),
          'rate_limited',
        );
      }
    }

    if (problems.length > 0 || !validation.ok) {
      return fail(
        new HttpProblem(
          400,
          'validation_failed',
          `${problems.length} field${problems.length > 1 ? 's are' : ' is'} not valid; nothing was stored`,
          {
            extra: { fields: problems },
          },
        ),
        'invalid',
        Object.fromEntries(problems.map((p) => [p.field, `Expected ${p.expected}.`])),
      );
    }
    const { lead } = validation;

    const verdict = spamVerdict(guards, honeypot, formToken);
    if (verdict.kind === 'expired') return resend('form_token_expired');

    // Only a genuine lead counts toward its email's limit (a bot must not use up a real person's),
    // and the limit never turns a lead away: past it, the lead is stored, forwarded and flagged.
    let reviewReason: string | null = null;
    if (limitEmail && verdict.kind === 'genuine') {
      emailKeys.set(request, `email:${sha256(lead.email)}`);
      if ((await exceeded(limitEmail, request)) !== undefined) reviewReason = 'over_email_limit';
    }

    const spamReason = verdict.kind === 'spam' ? verdict.reason : null;
    const source: LeadSource = formToken !== undefined || html ? 'web-form' : 'api';
    const outcome = await timed('record_lead', () =>
      recordLead(
        options.pool,
        {
          lead,
          source,
          privacyPolicyVersion:
            typeof policyVersion === 'string' ? policyVersion : intake.privacyPolicyVersion,
          spamReason,
          reviewReason,
          formToken:
            verdict.kind === 'genuine' && verdict.token !== null
              ? { ...verdict.token, requestHash: leadHash }
              : null,
        },
        idempotency,
      ),
    );
    if (outcome instanceof HttpProblem) return fail(outcome, 'unavailable');

    if (outcome.kind === 'conflict') {
      return fail(
        new HttpProblem(
          422,
          'idempotency_key_reused',
          'this Idempotency-Key was used with a different body; nothing was stored',
        ),
        'idempotency_conflict',
      );
    }
    if (outcome.kind === 'token_used') return resend('form_token_used');
    // A retry that committed before this request (same Idempotency-Key, or same form token and lead).
    if (outcome.kind === 'replayed') return replay(outcome);
    count(spamReason === null ? 'accepted' : 'spam');
    if (spamReason === null) options.onLeadCommitted?.();
    return answer(outcome.leadId, 201);
  });
}
