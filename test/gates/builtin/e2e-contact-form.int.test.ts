import { randomBytes } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eContactFormGate } from '../../../src/gates/builtin/e2e/contact-form.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { eventually, outboxCounts } from '../../delivery/support/delivery-setup.ts';
import { startN8nReceiver, type N8nReceiver } from '../../support/n8n-receiver.ts';
import { startServe, type ServeProcess } from '../../support/serve-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';

// e2e.contact-form against a real release (`hermes serve` with its delivery worker), a real
// Chromium and the n8n-like receiver; each fault planted where a real one would be.

const adminKey = 'an-admin-key-for-the-e2e-gate-0123456789'; // secretlint-disable-line -- a test key
const signingSecret = `whsec_${randomBytes(32).toString('base64')}`;

let db: TestDatabase;
let receiver: N8nReceiver;
let release: ServeProcess;

beforeAll(async () => {
  [db, receiver] = await Promise.all([
    createTestDatabase({ migrate: true }),
    startN8nReceiver({ secrets: [signingSecret] }),
  ]);
  release = await startServe({
    DATABASE_URL: db.url,
    PORT: '0',
    LOG_LEVEL: 'warn',
    HERMES_N8N_WEBHOOK_URL: receiver.url,
    HERMES_ADMIN_API_KEYS: adminKey,
    HERMES_N8N_SIGNING_SECRET: signingSecret,
    HERMES_MIN_FILL_MS: '500',
    HERMES_RATE_LIMIT: 'off',
  });
}, 60_000);
afterAll(async () => {
  release.child.kill('SIGTERM');
  await receiver.close();
  await db.drop();
});

interface RunOptions {
  /** gates.thresholds.e2e.contactForm, over this file's short waits. */
  contactForm?: Record<string, unknown>;
  adminKeys?: string[];
}

function run(url: string, options: RunOptions = {}): Promise<GateOutcome> {
  const ctx = gateContext({
    databaseUrl: db.url,
    config: {
      admin: { apiKeys: options.adminKeys ?? [adminKey] },
      intake: { minFillMs: 500 },
      gates: {
        thresholds: {
          e2e: { contactForm: { pageTimeout: '10s', deliveryDeadline: '4s', ...options.contactForm } },
        },
      },
    },
  });
  return e2eContactFormGate.run({ ...ctx, releaseUrl: url });
}

async function tableCounts() {
  const { rows } = await db.pool.query<{
    leads: number;
    synthetic: number;
    outbox: number;
    attempts: number;
  }>(
    `SELECT (SELECT count(*) FROM hermes_leads)::int AS leads,
            (SELECT count(*) FROM hermes_leads WHERE source = 'deployment-test')::int AS synthetic,
            (SELECT count(*) FROM hermes_outbox)::int AS outbox,
            (SELECT count(*) FROM hermes_deliveries)::int AS attempts`,
  );
  return rows[0];
}

/** A person's lead, there before the gate runs: it must be there, untouched, afterwards. */
async function personsLead(): Promise<string> {
  const response = await fetch(`${release.url}/api/contact`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: `ada.${String(Date.now())}@example.com`,
      country: 'GB',
      phone_number: '+44 20 7946 0958',
      problem_description: 'Our mail server was breached last night.',
      service_urgency: 'urgent',
      agree_to_terms: true,
      privacy_consent: true,
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { lead_id: string }).lead_id;
}

/**
 * The release behind a proxy on another port, where `intercept` may answer a request itself
 * (true) instead of passing it on.
 */
async function proxyRelease(
  intercept: (req: IncomingMessage, res: ServerResponse) => boolean,
  options: { dropCsp?: boolean } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(release.url);
  const server: Server = createServer((req, res) => {
    if (intercept(req, res)) return;
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        if (options.dropCsp) delete answer.headers['content-security-policy'];
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** The release, but POST /api/contact answers 500: a release whose form no longer goes through. */
function brokenApi(): Promise<{ url: string; close: () => Promise<void> }> {
  return proxyRelease((req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/api/contact')) return false;
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'internal_error', message: 'broken release' } }));
    return true;
  });
}

describe('e2e.contact-form', { timeout: 60_000 }, () => {
  it('passes: submitted in Chromium, confirmed, stored as synthetic, delivered flagged, then removed; a person’s lead untouched', async () => {
    const person = await personsLead();
    await eventually(
      async () => (await outboxCounts(db.pool)).delivered === 1,
      "the person's lead delivered (its attempt recorded)",
    );
    const before = await tableCounts();
    const received = receiver.received.length;

    const outcome = await run(release.url);

    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toMatch(
      /^submitted in Chromium, confirmed as HS-\d{8}-[0-9A-Z]{6}, stored and delivered to n8n in \d+ ms; no confirmation email is configured/,
    );
    const leadId = /confirmed as (HS-\S+),/.exec(outcome.summary)?.[1];
    // n8n got it, flagged, signed as any lead.
    const delivered = receiver.received.slice(received).map((d) => d.body);
    expect(delivered).toEqual([
      expect.objectContaining({ lead_id: leadId, source: 'deployment-test', synthetic: true }),
    ]);
    expect(receiver.received.at(-1)?.signatureValid).toBe(true);
    expect(outcome.measurements?.find((m) => m.name === 'commit to delivery')).toMatchObject({
      threshold: 4_000,
      passed: true,
    });
    expect(outcome.measurements?.find((m) => m.name === 'synthetic leads removed')?.value).toBe(1);
    // Nothing left of it: the lead, its outbox row and its attempts are gone; the rest is as it was.
    expect(await tableCounts()).toEqual(before);
    const { rows } = await db.pool.query('SELECT source, status FROM hermes_leads WHERE lead_id = $1', [
      person,
    ]);
    expect(rows).toEqual([{ source: 'api', status: 'received' }]);
  });

  it('fails naming the delivery when n8n refuses it, and still removes the lead', async () => {
    const before = await tableCounts();
    receiver.setMode('server-error');
    try {
      const outcome = await run(release.url);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toMatch(
        /^HS-\S+ was stored but did not reach n8n: not delivered within 4000 ms: pending after \d+ attempts; last outcome server_error \(HTTP 500\)/,
      );
    } finally {
      receiver.setMode('ok');
    }
    expect(await tableCounts()).toEqual(before);
  });

  it('fails naming where it stopped when the release’s form no longer goes through, storing nothing', async () => {
    const broken = await brokenApi();
    const before = await tableCounts();
    try {
      const outcome = await run(broken.url, { contactForm: { pageTimeout: '3s' } });
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toMatch(
        /^the contact form did not go through: no confirmation within 3000 ms of pressing Send; the page says: .+ \(the intake answered 500\)$/,
      );
    } finally {
      await broken.close();
    }
    expect(await tableCounts()).toEqual(before);
  });

  it('fails when the page has no form, and when nothing answers', async () => {
    const noForm = await run(release.url, { contactForm: { path: '/privacy', pageTimeout: '2s' } });
    expect(noForm).toMatchObject({
      status: 'fail',
      summary: 'the contact form did not go through: the page has no visible contact form (#contact-form)',
    });
    const missing = await run(release.url, { contactForm: { path: '/nope' } });
    expect(missing.summary).toBe('the contact form did not go through: the form page answered 404');
  });

  it('sends no lead when the release does not take the key: it would pass for a person’s', async () => {
    const before = await tableCounts();
    const outcome = await run(release.url, { adminKeys: ['a-key-the-release-does-not-know-0123'] });
    expect(outcome).toMatchObject({
      status: 'error',
      summary: 'the release does not take the admin key: no lead sent',
      reason:
        "the release refuses this configuration's admin key (401): its HERMES_ADMIN_API_KEYS differ from the ones the gate runs with",
    });
    expect(await tableCounts()).toEqual(before);
  });

  it('sends no lead when the admin guard has locked this address out, saying so', async () => {
    // As the guard answers a locked-out address, the right key included (a planted answer: the
    // real lockout would shut this file's release for 15 minutes).
    const locked = await proxyRelease((req, res) => {
      if (!req.url?.startsWith('/api/admin/')) return false;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '600' });
      res.end(JSON.stringify({ error: { code: 'rate_limited', message: 'too many refused attempts' } }));
      return true;
    });
    const before = await tableCounts();
    try {
      const outcome = await run(locked.url);
      expect(outcome).toMatchObject({
        status: 'error',
        summary: 'the release does not take the admin key: no lead sent',
      });
      expect(outcome.reason).toContain("the release's admin guard answered 429 (retry after 600 s)");
    } finally {
      await locked.close();
    }
    expect(await tableCounts()).toEqual(before);
  });

  it('never sends the key over plain HTTP to another machine', async () => {
    const outcome = await run('http://192.0.2.10:8080');
    expect(outcome).toMatchObject({ status: 'error', summary: 'the admin key would travel in clear text' });
    expect(outcome.reason).toContain('http://192.0.2.10:8080 is plain HTTP');
  });

  it('never sends the key where a redirect of the form’s POST points (another origin)', async () => {
    // Where the redirect leads: it lets any origin post (CORS), and records the key if it comes.
    const seen: { method: string; key: string | undefined }[] = [];
    const elsewhere = createServer((req, res) => {
      seen.push({ method: req.method ?? '', key: req.headers['hermes-synthetic'] as string | undefined });
      res.writeHead(req.method === 'OPTIONS' ? 204 : 500, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': '*',
      });
      res.end();
    });
    await new Promise<void>((done) => elsewhere.listen(0, '127.0.0.1', done));
    const { port } = elsewhere.address() as AddressInfo;
    // Without its CSP (connect-src 'self' would stop the browser at the other origin): the key
    // must stay home even on a page that lets the browser follow the redirect.
    const redirecting = await proxyRelease(
      (req, res) => {
        if (req.method !== 'POST' || !req.url?.startsWith('/api/contact')) return false;
        res.writeHead(307, { location: `http://localhost:${String(port)}/api/contact` }).end();
        return true;
      },
      { dropCsp: true },
    );
    try {
      const outcome = await run(redirecting.url, { contactForm: { pageTimeout: '3s' } });
      expect(outcome.summary).toMatch(/^the contact form did not go through: no confirmation within 3000 ms/);
    } finally {
      await redirecting.close();
      await new Promise((done) => elsewhere.close(done));
    }
    // Whatever reached the other origin came without the key (a route that let the browser follow
    // the redirect with the header, as route.continue does, sends it there).
    expect(seen.filter((request) => request.key !== undefined)).toEqual([]);
    // The browser did follow it: the POST reached the other origin (so the check above judged one).
    expect(seen.map((request) => request.method)).toContain('POST');
  });

  it('cannot judge (error, never a pass) without an admin key or a browser', async () => {
    const noKey = await run(release.url, { adminKeys: [] });
    expect(noKey).toMatchObject({ status: 'error', summary: 'no admin key to mark the lead synthetic' });
    const noBrowser = await run(release.url, { contactForm: { browser: '/nonexistent/chromium' } });
    expect(noBrowser).toMatchObject({ status: 'error', summary: 'no browser to drive' });
    expect(noBrowser.reason).toContain('no Chromium at /nonexistent/chromium');
  });
});
