import type { HermesConfig } from '../config/schema.ts';
import { REDACTED, redactUrl } from '../config/redact.ts';
import { toDatabaseError } from '../db/database-error.ts';
import type { Queryable } from '../db/queryable.ts';
import { outcomeDescriptions } from './attempt-outcome.ts';
import { redactErrorText, urlInText } from './redact-error-text.ts';
import { deliveryHealthFacts, type DeliveryHealthFacts } from './sql/delivery-health-facts.ts';
import { outboxBacklog, type OutboxBacklog } from './sql/outbox-backlog.ts';
import { errorMessage } from '../errors/error-message.ts';

export interface N8nHealth {
  readonly healthy: boolean;
  readonly body: Record<string, unknown>;
}

/**
 * Who reads the answer. The webhook's path is often its only secret (n8n's Webhook node takes any
 * caller that knows it), so the public sees n8n's scheme, host and port only; an admin sees the URLs.
 */
export type N8nHealthView = 'public' | 'admin';

/** One probe of n8n's liveness endpoint, with what each view may see of it. */
export interface N8nProbe {
  readonly reachable: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  /** Why it failed, in full (URLs redacted); admins only. */
  readonly error: string | null;
  /** Why it failed, naming no URL: an HTTP status, a timeout or a socket error code. */
  readonly publicError: string | null;
}

/** n8n's own liveness endpoint: `healthUrl`, else `/healthz` at the webhook's origin. */
export function n8nHealthUrl(n8n: HermesConfig['n8n']): string | undefined {
  if (n8n.healthUrl !== undefined) return n8n.healthUrl;
  return n8n.webhookUrl === undefined ? undefined : new URL('/healthz', n8n.webhookUrl).toString();
}

/** Scheme, host and port: what anyone may know of where n8n is. */
function originOf(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : '[invalid URL]';
}

const errorCode = /^[A-Z][A-Z0-9_]{2,40}$/;

/** GET the liveness URL (no redirects followed: a Location could point anywhere). */
export async function probeN8n(url: string, timeoutMs: number): Promise<N8nProbe> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
    const error = response.ok ? null : `HTTP ${String(response.status)}`;
    return {
      reachable: response.ok,
      statusCode: response.status,
      latencyMs: latencyMs(),
      error,
      publicError: error,
    };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    const detail = timedOut
      ? 'no answer before the timeout'
      : redactErrorText(cause?.message ?? errorMessage(error));
    return {
      reachable: false,
      statusCode: null,
      latencyMs: latencyMs(),
      error: detail,
      // A socket error's message can quote the URL; its code (ECONNREFUSED, ...) cannot.
      publicError: timedOut
        ? detail
        : code !== undefined && errorCode.test(code)
          ? code
          : 'the connection failed',
    };
  }
}

/**
 * Defence in depth for the public view: every URL in a text is cut to its origin, and the
 * configured URLs' paths are masked wherever they appear (n8n's own answers quote the path).
 */
export function publicScrubber(n8n: HermesConfig['n8n']): (text: string) => string {
  const secrets = new Set<string>();
  for (const url of [n8n.webhookUrl, n8n.healthUrl]) {
    if (url === undefined || !URL.canParse(url)) continue;
    const { pathname, search } = new URL(url);
    const afterFirstSegment = pathname.split('/').slice(2).join('/');
    for (const secret of [pathname + search, pathname, afterFirstSegment]) {
      if (secret.length >= 4) secrets.add(secret);
    }
  }
  // Longest first, so that a path is masked whole rather than around a shorter part of it.
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => {
    let scrubbed = text.replace(urlInText, (match) => {
      // Punctuation after a URL ("at http://host:5678: refused") is the sentence's, not the URL's.
      let end = match.length;
      while (end > 0 && '.,;:!?)'.includes(match.charAt(end - 1))) end -= 1;
      const url = match.slice(0, end);
      return originOf(url) + match.slice(url.length);
    });
    for (const secret of ordered) scrubbed = scrubbed.split(secret).join(REDACTED);
    return scrubbed;
  };
}

function scrubStrings(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((item) => scrubStrings(item, scrub));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubStrings(v, scrub)]));
  }
  return value;
}

const seconds = (ms: number) => Math.round(ms / 1000);

export interface CheckN8nHealthOptions {
  readonly view: N8nHealthView;
  /** How n8n is probed (in the HTTP service, one cached probe shared by every caller). */
  readonly probe: (url: string) => Promise<N8nProbe>;
  /** The public view's scrubber (`publicScrubber` of the same configuration, built once). */
  readonly scrubPublic: (text: string) => string;
}

type HealthLimits = HermesConfig['delivery']['health'];

/**
 * What the deliveries and the backlog say is wrong: a 404 or 401/403 (a configuration fault no
 * retry will fix), too many failures in a row, or a lead waiting too long.
 */
export function deliveryFaults(
  facts: DeliveryHealthFacts | undefined,
  backlog: OutboxBacklog | undefined,
  limits: HealthLimits,
): string[] {
  const reasons: string[] = [];
  if (facts?.last_failure_outcome) {
    const outcome = facts.last_failure_outcome;
    if (outcome === 'webhook_not_registered' || outcome === 'auth_rejected') {
      reasons.push(outcomeDescriptions[outcome]);
    } else if (facts.consecutive_failures >= limits.maxConsecutiveFailures) {
      reasons.push(
        `${String(facts.consecutive_failures)} deliveries in a row failed; the last: ${outcomeDescriptions[outcome]}`,
      );
    }
  }
  if (backlog && backlog.oldest_pending_age_s * 1000 > limits.maxOldestPendingAge) {
    reasons.push(
      `backlog: the oldest pending lead has waited ${String(Math.round(backlog.oldest_pending_age_s))} s (limit ${String(seconds(limits.maxOldestPendingAge))} s)`,
    );
  }
  return reasons;
}

interface HealthFindings {
  readonly reasons: readonly string[];
  readonly healthUrl: string | undefined;
  readonly reach: N8nProbe | undefined;
  /** The probe's error as this view may see it. */
  readonly reachError: string | null | undefined;
  readonly facts: DeliveryHealthFacts | undefined;
  readonly backlog: OutboxBacklog | undefined;
}

/** The answer's body, before the public view's scrubbing. */
function healthBody(
  found: HealthFindings,
  webhookUrl: string | undefined,
  limits: HealthLimits,
  shownUrl: (url: string) => string,
): Record<string, unknown> {
  const { reasons, healthUrl, reach, facts, backlog } = found;
  const healthy = reasons.length === 0;
  return {
    status: healthy ? 'ok' : 'unavailable',
    ...(healthy ? {} : { reasons }),
    n8n:
      reach && healthUrl !== undefined
        ? {
            url: shownUrl(healthUrl),
            reachable: reach.reachable,
            status_code: reach.statusCode,
            latency_ms: reach.latencyMs,
            error: found.reachError,
          }
        : null,
    webhook_url: webhookUrl === undefined ? null : shownUrl(webhookUrl),
    last_success_at: facts?.last_success_at ?? null,
    consecutive_failures: facts?.consecutive_failures ?? null,
    last_failure: facts?.last_failure_at
      ? {
          at: facts.last_failure_at,
          outcome: facts.last_failure_outcome,
          status_code: facts.last_failure_status,
        }
      : null,
    backlog: backlog
      ? {
          pending: backlog.pending,
          oldest_pending_age_s: Math.round(backlog.oldest_pending_age_s),
          dead: backlog.dead,
          max_oldest_pending_age_s: seconds(limits.maxOldestPendingAge),
        }
      : null,
  };
}

/** The deliveries' facts and the backlog; on failure, the reason (the public gets the kind only). */
async function readDeliveryState(
  db: Queryable,
  admin: boolean,
): Promise<{ facts?: DeliveryHealthFacts; backlog?: OutboxBacklog; failure?: string }> {
  try {
    const [facts, backlog] = await Promise.all([deliveryHealthFacts(db), outboxBacklog(db)]);
    return { facts, backlog };
  } catch (error) {
    // A driver's message can name hosts and users.
    const detail = admin ? redactErrorText(errorMessage(error)) : toDatabaseError(error).kind;
    return { failure: `the database cannot be read: ${detail}` };
  }
}

/**
 * /health/n8n: n8n reachable, the last successful delivery, the failures since, and the backlog.
 * Unhealthy (with every reason) when n8n is unreachable, when it answers deliveries with 404 or
 * 401/403, after too many failures in a row, or when the oldest pending lead has waited too long.
 */
export async function checkN8nHealth(
  config: Readonly<HermesConfig>,
  db: Queryable,
  options: CheckN8nHealthOptions,
): Promise<N8nHealth> {
  const { n8n, delivery } = config;
  const admin = options.view === 'admin';
  const reasons: string[] = [];
  const healthUrl = n8nHealthUrl(n8n);
  if (n8n.webhookUrl === undefined) reasons.push('n8n.webhookUrl (HERMES_N8N_WEBHOOK_URL) is not set');
  const reach = healthUrl === undefined ? undefined : await options.probe(healthUrl);
  const shownUrl = (url: string) => (admin ? redactUrl(url) : originOf(url));
  const reachError = reach && (admin ? reach.error : reach.publicError);
  if (reach && !reach.reachable && healthUrl !== undefined)
    reasons.push(`n8n is unreachable at ${shownUrl(healthUrl)}: ${reachError ?? 'no answer'}`);
  const { facts, backlog, failure } = await readDeliveryState(db, admin);
  if (failure !== undefined) reasons.push(failure);
  reasons.push(...deliveryFaults(facts, backlog, delivery.health));

  const found = { reasons, healthUrl, reach, reachError, facts, backlog };
  const body = healthBody(found, n8n.webhookUrl, delivery.health, shownUrl);
  return {
    healthy: reasons.length === 0,
    body: admin ? body : (scrubStrings(body, options.scrubPublic) as Record<string, unknown>),
  };
}
