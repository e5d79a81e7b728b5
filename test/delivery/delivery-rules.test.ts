import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/config/format-issue.ts';
import { configSchema } from '../../src/config/schema.ts';
import { outcomeOfStatus } from '../../src/delivery/attempt-outcome.ts';
import { CircuitBreaker, type CircuitState } from '../../src/delivery/circuit-breaker.ts';
import { parseSince } from '../../src/delivery/parse-since.ts';
import { retryDelayMs } from '../../src/delivery/retry-delay.ts';
import { sendWebhook } from '../../src/delivery/send-webhook.ts';
import { signingKey, webhookSignature } from '../../src/delivery/sign-webhook.ts';

describe('Standard Webhooks signature', () => {
  it('is verified by the standardwebhooks reference library, with either secret of a rotation', () => {
    const [old, next] = [0, 1].map(() => `whsec_${randomBytes(32).toString('base64')}`) as [string, string];
    const body = JSON.stringify({ lead_id: 'HS-20250101-ABCDEF' });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'd8c0f1f0-3c1e-4d6b-9b1e-0a4c2b7e9f10',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature(
        [signingKey(old), signingKey(next)],
        'd8c0f1f0-3c1e-4d6b-9b1e-0a4c2b7e9f10',
        timestamp,
        body,
      ),
    };
    expect(() => new Webhook(old).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(next).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(body, headers)).toThrow();
    expect(() => new Webhook(old).verify(`${body} `, headers)).toThrow();
  });
});

describe('retry schedule', () => {
  const schedule = [5_000, 300_000, 1_800_000];

  it('waits the scheduled delay, within the jitter, then gives up', () => {
    expect(retryDelayMs(1, schedule, 0)).toBe(5_000);
    expect(retryDelayMs(2, schedule, 0.2, () => 0)).toBe(240_000);
    expect(retryDelayMs(2, schedule, 0.2, () => 1)).toBe(360_000);
    expect(retryDelayMs(3, schedule, 0)).toBe(1_800_000);
    expect(retryDelayMs(4, schedule, 0)).toBeNull();
  });

  it('defaults to the Svix schedule', () => {
    expect(configSchema.parse({}).delivery.retrySchedule).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
  });
});

describe("n8n's answers", () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [404, 'webhook_not_registered'],
    [401, 'auth_rejected'],
    [403, 'auth_rejected'],
    [413, 'payload_too_large'],
    [408, 'timeout'],
    [429, 'rate_limited'],
    [500, 'server_error'],
    [503, 'server_error'],
    [400, 'http_error'],
    [302, 'http_error'],
  ])('%i is %s', (status, outcome) => {
    expect(outcomeOfStatus(status)).toBe(outcome);
  });
});

describe('circuit breaker', () => {
  const make = () => {
    let now = 0;
    const changes: CircuitState[] = [];
    const breaker = new CircuitBreaker({
      failureThreshold: 3,
      cooldownMs: 1_000,
      maxCooldownMs: 3_000,
      now: () => now,
      onChange: (state) => changes.push(state),
    });
    return { breaker, changes, advance: (ms: number) => (now += ms) };
  };

  it('opens after the threshold, probes after the cooldown, doubles it on a failed probe, closes on success', () => {
    const { breaker, changes, advance } = make();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryProbe()).toBe(false);
    advance(1_000);
    expect(breaker.tryProbe()).toBe(true);
    breaker.recordFailure();
    expect(breaker.msUntilProbe()).toBe(2_000);
    advance(2_000);
    expect(breaker.tryProbe()).toBe(true);
    breaker.recordFailure();
    expect(breaker.msUntilProbe()).toBe(3_000);
    advance(3_000);
    expect(breaker.tryProbe()).toBe(true);
    expect(breaker.recordSuccess()).toBe(true);
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'open', 'half_open', 'open', 'half_open', 'closed']);
  });

  it('a success in between resets the count of failures', () => {
    const { breaker } = make();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.recordSuccess()).toBe(false);
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
  });

  it('with nothing to probe with, stays open and probes as soon as there is', () => {
    const { breaker, advance } = make();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    advance(1_000);
    expect(breaker.tryProbe()).toBe(true);
    breaker.probeSkipped();
    expect(breaker.state).toBe('open');
    expect(breaker.tryProbe()).toBe(true);
  });
});

describe('--since', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  it('takes ISO 8601 times and durations back from now', () => {
    expect(parseSince('2h', '--since', now).toISOString()).toBe('2025-06-01T10:00:00.000Z');
    expect(parseSince('7d', '--since', now).toISOString()).toBe('2025-05-25T12:00:00.000Z');
    expect(parseSince('2025-05-31T08:30:00Z', '--since', now).toISOString()).toBe('2025-05-31T08:30:00.000Z');
    expect(parseSince('2025-05-31', '--since', now).toISOString()).toBe('2025-05-31T00:00:00.000Z');
  });
  it.each(['yesterday', '2h30m', '-1h', '2025-13-45', ''])('refuses %j', (value) => {
    expect(() => parseSince(value, '--since', now)).toThrow(/--since: expected an ISO 8601/);
  });
});

describe('n8n and delivery config', () => {
  it('reads durations and refuses what is not one, naming the key', () => {
    const parsed = configSchema.parse({ delivery: { lease: '2m', retrySchedule: ['500ms', 1000, '1d'] } });
    expect(parsed.delivery.lease).toBe(120_000);
    expect(parsed.delivery.retrySchedule).toEqual([500, 1_000, 86_400_000]);
    const bad = configSchema.safeParse({ delivery: { retrySchedule: ['soon'] } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('expected a duration');
  });

  it('accepts whsec_ secrets only, and one kind of auth', () => {
    expect(configSchema.safeParse({ n8n: { signingSecrets: ['not-a-secret'] } }).success).toBe(false);
    expect(configSchema.safeParse({ n8n: { signingSecrets: ['whsec_c2hvcnQ='] } }).success).toBe(false);
    expect(
      configSchema.safeParse({ n8n: { signingSecrets: [`whsec_${randomBytes(24).toString('base64')}`] } })
        .success,
    ).toBe(true);
    const both = configSchema.safeParse({
      n8n: { headerAuth: { name: 'X-Hermes-Key', secret: 'k' }, basicAuth: { username: 'u', password: 'p' } },
    });
    expect(both.success).toBe(false);
  });
});

describe('credentials in n8n URLs', () => {
  it('are refused at config validation, pointing to n8n.basicAuth, without printing the password', () => {
    for (const key of ['webhookUrl', 'healthUrl']) {
      const bad = configSchema.safeParse(
        { n8n: { [key]: 'https://bob:hunter2@n8n.example/webhook/hermes-leads' } },
        { reportInput: true },
      );
      expect(bad.success).toBe(false);
      const printed = (bad.error?.issues ?? []).map((issue) => formatIssue(issue, () => undefined));
      expect(printed.join('\n')).toContain(`n8n.${key}: expected a URL without user:password@`);
      expect(printed.join('\n')).toContain('n8n.basicAuth');
      expect(printed.join('\n')).not.toContain('hunter2');
    }
  });

  it('never reach a stored error: the URL fetch quotes is redacted', async () => {
    const sent = await sendWebhook(
      {
        url: 'http://bob:hunter2@127.0.0.1:9/webhook/hermes-leads', // secretlint-disable-line -- a fake credential: the test proves it is redacted
        signingKeys: [],
        authHeaders: {},
        timeoutMs: 1_000,
        excerptChars: 100,
      },
      '00000000-0000-4000-8000-000000000000',
      '{}',
    );
    expect(sent.outcome).toBe('connection_error');
    expect(sent.error).toContain('127.0.0.1');
    expect(sent.error).not.toContain('hunter2');
  });
});
