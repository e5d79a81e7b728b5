import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { FormTokens } from '../../src/intake/form-token.ts';
import { serveHermes, type ServingHermes } from '../delivery/support/spawn-worker.ts';
import { startN8nReceiver, type N8nReceiver } from '../support/n8n-receiver.ts';
import { useTestDatabase } from '../support/test-database.ts';
import type { IntakeUnderTest } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

// API clients (a website's backend posting JSON) are real callers: judged by the honeypot, the
// rate limits and, when configured, an intake API key; the render token belongs to form posts.

/** The body of the README's curl example ("A lead's way through Hermes"), exactly as shown there. */
const readmeBody = `{
  "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "country": "GB",
  "phone_number": "+44 20 7946 0958", "problem_description": "Our alarm panel keeps rebooting",
  "service_urgency": "urgent", "agree_to_terms": true, "privacy_consent": true }`;

/** The README's lead with another address (the per-email limit is not what is tested here). */
function readmeLead(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const email = `ada+${randomBytes(4).toString('hex')}@example.com`;
  return { ...(JSON.parse(readmeBody) as Record<string, unknown>), email, ...extra };
}

const secret = 'a-test-form-token-secret-0123456789';
const tokens = new FormTokens(secret, 24);
/** The default minimum fill time (startIntake turns it off unless told). */
const { minFillMs } = configSchema.parse({}).intake;

async function leadOf(intake: IntakeUnderTest, response: Response) {
  expect(response.status).toBe(201);
  // A browser's form post is answered with the confirmation page, which shows the lead id.
  const text = await response.text();
  const leadId = response.headers.get('content-type')?.startsWith('text/html')
    ? /HS-\d{8}-[0-9A-Z]{6}/.exec(text)?.[0]
    : (JSON.parse(text) as { lead_id: string }).lead_id;
  const { rows } = await intake.database.pool.query<Record<string, unknown>>(
    `SELECT l.status, l.spam_reason, l.source,
            (SELECT count(*)::int FROM hermes_outbox o WHERE o.lead_id = l.lead_id) AS outbox_rows
     FROM hermes_leads l WHERE lead_id = $1`,
    [leadId],
  );
  return rows[0];
}

function formPost(
  intake: IntakeUnderTest,
  fields: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const form = new URLSearchParams(
    Object.entries(fields).map(([k, v]) => [k, v === true ? 'on' : String(v)] as [string, string]),
  );
  return intake.post(null, {
    raw: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

describe('with the default configuration (no API keys, the render token checked on form posts)', () => {
  const intake = useIntake({ config: { intake: { minFillMs, formTokenSecret: secret } } });

  it('the README’s curl example is a lead, stored to be forwarded, as an API lead', async () => {
    expect(minFillMs).toBeGreaterThan(0);
    const response = await intake.post(null, { raw: readmeBody });
    expect(await leadOf(intake, response)).toEqual({
      status: 'received',
      spam_reason: null,
      source: 'api',
      outbox_rows: 1,
    });
  });

  it('an API client that fills the honeypot is spam, never forwarded', async () => {
    const response = await intake.post(readmeLead({ website: 'http://spam.example' }));
    expect(await leadOf(intake, response)).toEqual({
      status: 'spam',
      spam_reason: 'honeypot',
      source: 'api',
      outbox_rows: 0,
    });
  });

  it('a form post without a token is still spam; with an aged token it is a lead', async () => {
    const missing = await formPost(intake, readmeLead(), { accept: 'text/html' });
    expect(await leadOf(intake, missing)).toMatchObject({
      status: 'spam',
      spam_reason: 'missing_token',
      source: 'web-form',
    });
    const jsonAnswer = await formPost(intake, readmeLead());
    expect(await leadOf(intake, jsonAnswer)).toMatchObject({
      spam_reason: 'missing_token',
      source: 'web-form',
    });
    const aged = await formPost(intake, readmeLead({ form_token: tokens.issue(Date.now() - 60_000) }));
    expect(await leadOf(intake, aged)).toEqual({
      status: 'received',
      spam_reason: null,
      source: 'web-form',
      outbox_rows: 1,
    });
  });

  it('JSON that carries a form_token is the page’s script: judged by the token as before', async () => {
    for (const [formToken, reason] of [
      ['', 'missing_token'],
      ['forged.token', 'bad_token'],
      [tokens.issue(), 'too_fast'],
    ] as const) {
      const response = await intake.post(readmeLead({ form_token: formToken }));
      expect(await leadOf(intake, response)).toMatchObject({
        status: 'spam',
        spam_reason: reason,
        source: 'web-form',
      });
    }
  });
});

describe('with intake.apiKeys configured', () => {
  const key = randomBytes(24).toString('hex');
  const intake = useIntake({
    config: { intake: { minFillMs, formTokenSecret: secret, apiKeys: [key], rateLimit: { enabled: false } } },
  });

  async function refused(headers: Record<string, string>) {
    const before = await intake.counts();
    const response = await intake.post(readmeLead(), { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="hermes-intake"');
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(await intake.counts()).toEqual(before);
    return body.error;
  }

  it('an API client without a key is refused 401 api_key_required, and nothing is stored', async () => {
    expect(await refused({})).toEqual({
      code: 'api_key_required',
      message: 'this post needs an intake API key (Authorization: Bearer <key>); nothing was stored',
    });
    expect((await refused({ 'x-api-key': key })).code).toBe('api_key_required');
  });

  it('a wrong key is refused 401 the same way', async () => {
    expect((await refused({ authorization: `Bearer ${key}0` })).code).toBe('api_key_required');
    expect((await refused({ authorization: `Basic ${key}` })).code).toBe('api_key_required');
  });

  it('the right key is accepted: a lead, forwarded', async () => {
    const response = await intake.post(readmeLead(), { headers: { authorization: `Bearer ${key}` } });
    expect(await leadOf(intake, response)).toEqual({
      status: 'received',
      spam_reason: null,
      source: 'api',
      outbox_rows: 1,
    });
  });

  it('the right key does not excuse the honeypot', async () => {
    const response = await intake.post(readmeLead({ website: 'x' }), {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(await leadOf(intake, response)).toMatchObject({ status: 'spam', spam_reason: 'honeypot' });
  });

  it('form posts need no key: the render token judges them', async () => {
    const aged = tokens.issue(Date.now() - 60_000);
    const urlencoded = await formPost(intake, readmeLead({ form_token: aged }));
    expect(await leadOf(intake, urlencoded)).toMatchObject({ status: 'received', source: 'web-form' });
    const script = await intake.post(readmeLead({ form_token: tokens.issue(Date.now() - 60_000) }));
    expect(await leadOf(intake, script)).toMatchObject({ status: 'received', source: 'web-form' });
  });
});

describe('with keys and the per-IP limit', () => {
  const key = randomBytes(24).toString('hex');
  const intake = useIntake({
    config: { intake: { apiKeys: [key], rateLimit: { perIpMax: 2, perIpWindowMs: 60_000 } } },
  });

  it('guessing keys is limited too: past the limit a caller without the key gets 429, not a lookup', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await intake.post(readmeLead(), { headers: { authorization: `Bearer guess-${i}` } })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 429, 429]);
  });
});

describe('hermes serve with its default configuration delivers the README’s example to n8n', () => {
  const signing = `whsec_${randomBytes(32).toString('base64')}`;
  const db = useTestDatabase();
  let receiver: N8nReceiver;
  let serve: ServingHermes;

  beforeAll(async () => {
    receiver = await startN8nReceiver({ secrets: [signing] });
    // No HERMES_MIN_FILL_MS, no HERMES_RATE_LIMIT: what a new user runs.
    serve = await serveHermes({
      DATABASE_URL: db.url,
      HERMES_N8N_WEBHOOK_URL: receiver.url,
      HERMES_N8N_SIGNING_SECRET: signing,
    });
  }, 60_000);
  afterAll(async () => {
    serve.child.kill('SIGTERM');
    await serve.exited;
    await receiver.close();
  });

  it('posted as the README shows, it is answered 201 and reaches the workflow', async () => {
    const response = await fetch(`${serve.base}/api/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: readmeBody,
    });
    expect(response.status).toBe(201);
    const { lead_id: leadId } = (await response.json()) as { lead_id: string };
    await receiver.waitForDelivered(1);
    expect(receiver.received[0]?.signatureValid).toBe(true);
    expect(receiver.received[0]?.body).toMatchObject({
      lead_id: leadId,
      first_name: 'Ada',
      email: 'ada@example.com',
      source: 'api',
    });
  });
});
