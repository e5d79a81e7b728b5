import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FormTokens } from '../../src/intake/form-token.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { startIntake, validLead, type StartOptions } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

// What an outside probe used against the contact route: each case must leave real people served
// and the data as it was.

interface ErrorBody {
  error: { code: string; message: string; form_token?: string; fields?: { field: string }[] };
}

const secret = 'a-test-form-token-secret-0123456789';
const tokens = new FormTokens(secret, 24);
const aged = (ms = 120_000) => tokens.issue(Date.now() - ms);

const database = useTestDatabase();

/** An intake on the shared database whose form tokens this file can sign (`intake` on top). */
function signingTokens(intake: Record<string, unknown>): StartOptions {
  return { database, config: { intake: { minFillMs: 60_000, formTokenSecret: secret, ...intake } } };
}

async function leadsFor(email: string) {
  const { rows } = await database.pool.query<{
    lead_id: string;
    status: string;
    review_reason: string | null;
    privacy_policy_version: string | null;
    outbox: number;
  }>(
    `SELECT lead_id, status, review_reason, privacy_policy_version,
            (SELECT count(*)::int FROM hermes_outbox o WHERE o.lead_id = l.lead_id) AS outbox
     FROM hermes_leads l WHERE email = $1 ORDER BY id`,
    [email],
  );
  return rows;
}

describe('spam and the per-email limit', () => {
  const intake = useIntake(signingTokens({ rateLimit: { perIpMax: 1_000, perEmailMax: 2 } }));

  it('bot posts with a victim’s address do not use up the victim’s quota', async () => {
    const victim = validLead();
    for (let i = 0; i < 5; i++) {
      expect(
        (await intake.post({ ...victim, website: 'http://spam.example', form_token: aged() })).status,
      ).toBe(201);
      expect((await intake.post({ ...victim, form_token: tokens.issue() })).status).toBe(201);
    }
    const genuine = await intake.post({ ...victim, form_token: aged() });
    expect(genuine.status).toBe(201);
    const rows = await leadsFor(String(victim.email));
    expect(rows).toHaveLength(11);
    expect(rows.at(-1)).toMatchObject({ status: 'received', review_reason: null, outbox: 1 });
  });

  it('past the limit genuine leads are stored and forwarded, flagged, never turned away', async () => {
    const person = validLead();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await intake.post({ ...person, form_token: aged() })).status);
    expect(answers).toEqual([201, 201, 201, 201]);
    expect((await leadsFor(String(person.email))).map((r) => [r.status, r.review_reason, r.outbox])).toEqual([
      ['received', null, 1],
      ['received', null, 1],
      ['received', 'over_email_limit', 1],
      ['received', 'over_email_limit', 1],
    ]);
  });
});

describe('form tokens: one lead each, and a fresh one for a form left open too long', () => {
  const intake = useIntake(signingTokens({ formTokenTtlHours: 2, rateLimit: { enabled: false } }));

  function expectFreshToken(body: ErrorBody) {
    const check = tokens.check(body.error.form_token);
    expect(check).toMatchObject({ ok: true, expired: false });
    expect(check.ok && check.ageMs).toBeLessThan(10_000);
  }

  it('a token reused for another lead stores nothing and answers with a fresh token to wait for', async () => {
    const token = aged();
    const first = await intake.post(validLead({ form_token: token }));
    expect(first.status).toBe(201);
    const before = await intake.counts();
    const reuse = await intake.post(validLead({ form_token: token }));
    expect(reuse.status).toBe(409);
    expect(Number(reuse.headers.get('retry-after'))).toBe(60);
    const body = (await reuse.json()) as ErrorBody;
    expect(body.error.code).toBe('form_token_used');
    expectFreshToken(body);
    expect(await intake.counts()).toEqual(before);
  });

  it('the same submission sent twice with its token (a double click, a lost answer) is one lead', async () => {
    const lead = validLead({ form_token: aged() });
    const first = await intake.post(lead);
    const { lead_id: leadId } = (await first.json()) as { lead_id: string };
    const before = await intake.counts();
    const again = await intake.post(lead);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual({ lead_id: leadId });
    expect(await intake.counts()).toEqual(before);
  });

  it('ten different leads racing with one token: exactly one is stored', async () => {
    const token = aged();
    const before = await intake.counts();
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => intake.post(validLead({ form_token: token })).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    expect(await intake.counts()).toEqual({ ...before, leads: before.leads + 1, outbox: before.outbox + 1 });
  });

  it('a token reused with an Idempotency-Key leaves neither the lead nor the key behind', async () => {
    const token = aged();
    expect((await intake.post(validLead({ form_token: token }))).status).toBe(201);
    const before = await intake.counts();
    const reuse = await intake.post(validLead({ form_token: token }), {
      headers: { 'idempotency-key': `reuse-${Date.now()}` },
    });
    expect(reuse.status).toBe(409);
    expect(await intake.counts()).toEqual(before);
  });

  it('an expired token is no spam verdict: nothing stored, a fresh token to send the same fields again', async () => {
    const before = await intake.counts();
    const response = await intake.post(validLead({ form_token: aged(3 * 3_600_000) }));
    expect(response.status).toBe(409);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('form_token_expired');
    expectFreshToken(body);
    expect(await intake.counts()).toEqual(before);
  });

  it('without JavaScript, the page comes back with what was typed and a fresh token', async () => {
    const stale = aged(3 * 3_600_000);
    const fields = validLead({
      first_name: 'Grace',
      form_token: stale,
      agree_to_terms: 'on',
      privacy_consent: 'on',
    });
    const response = await fetch(`${intake.base}/api/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams(
        Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString(),
    });
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain('value="Grace"');
    const shown = /name="form_token" value="([^"]+)"/.exec(html)?.[1];
    expect(shown).toBeDefined();
    expect(shown).not.toBe(stale);
    expect(tokens.check(shown)).toMatchObject({ ok: true, expired: false });
  });

  it('sent again after Retry-After with the fresh token, the lead is stored', async () => {
    const quick = await startIntake(
      signingTokens({ minFillMs: 1_000, formTokenTtlHours: 1, rateLimit: { enabled: false } }),
    );
    try {
      const lead = validLead();
      const refused = await quick.post({ ...lead, form_token: aged(2 * 3_600_000) });
      expect(refused.status).toBe(409);
      const wait = Number(refused.headers.get('retry-after'));
      expect(wait).toBe(1);
      const { error } = (await refused.json()) as ErrorBody;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 100));
      const sent = await quick.post({ ...lead, form_token: error.form_token });
      expect(sent.status).toBe(201);
      expect(await leadsFor(String(lead.email))).toMatchObject([{ status: 'received', outbox: 1 }]);
    } finally {
      await quick.close();
    }
  });
});

describe('the privacy policy version a lead consented to', () => {
  const intake = useIntake({
    database,
    config: {
      intake: {
        privacyPolicyVersion: '2026-06',
        acceptedPrivacyPolicyVersions: ['2025-01'],
        rateLimit: { enabled: false },
      },
    },
  });

  it('is one the configuration published: the current one, an accepted earlier one, never the client’s invention', async () => {
    const current = validLead();
    const earlier = validLead({ privacy_policy_version: '2025-01' });
    expect((await intake.post(current)).status).toBe(201);
    expect((await intake.post(earlier)).status).toBe(201);
    expect((await leadsFor(String(current.email)))[0]?.privacy_policy_version).toBe('2026-06');
    expect((await leadsFor(String(earlier.email)))[0]?.privacy_policy_version).toBe('2025-01');

    const before = await intake.counts();
    for (const version of ['2099-01', 'anything', '2026-06 ']) {
      const response = await intake.post(validLead({ privacy_policy_version: version }));
      expect(response.status, version).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.fields?.map((f) => f.field)).toEqual(['privacy_policy_version']);
    }
    expect(await intake.counts()).toEqual(before);
  });
});

describe('the per-IP limit comes before the database', () => {
  const intake = useIntake({ database, config: { intake: { rateLimit: { perIpMax: 1 } } } });

  async function keyLookups(): Promise<number> {
    const text = await (await fetch(`${intake.base}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('database_query_duration_seconds_count{operation="find_idempotency_key"}'));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  }

  it('a flood of fresh Idempotency-Keys past the limit is answered 429 without a lookup each', async () => {
    expect(
      (await intake.post(validLead(), { headers: { 'idempotency-key': `k-${Date.now()}` } })).status,
    ).toBe(201);
    const before = await keyLookups();
    const statuses = [];
    for (let i = 0; i < 20; i++) {
      statuses.push(
        (await intake.post(validLead(), { headers: { 'idempotency-key': `fresh-${Date.now()}-${i}` } }))
          .status,
      );
    }
    expect(new Set(statuses)).toEqual(new Set([429]));
    // The limit's worth of lookups (one here), kept for a retry of a committed lead. Exactly one:
    // zero would also be what a renamed series reads as, and proves nothing.
    expect((await keyLookups()) - before).toBe(1);
  });
});

describe('bodies are read as sent, or refused', () => {
  const intake = useIntake({ database, config: { intake: { rateLimit: { enabled: false } } } });

  it('415 for a charset other than UTF-8 and for any Content-Encoding; nothing stored', async () => {
    const before = await intake.counts();
    const lead = validLead({ first_name: 'Zoë' });
    const cases: [Record<string, string>, string | Buffer, string][] = [
      [
        { 'content-type': 'application/json; charset=iso-8859-1' },
        JSON.stringify(lead),
        'unsupported_charset',
      ],
      [{ 'content-type': 'application/json; charset="utf-16"' }, JSON.stringify(lead), 'unsupported_charset'],
      [
        { 'content-type': 'application/x-www-form-urlencoded; charset=windows-1252' },
        'first_name=Zo%EB',
        'unsupported_charset',
      ],
      [
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        gzipSync(JSON.stringify(lead)),
        'unsupported_content_encoding',
      ],
      [
        { 'content-type': 'application/json', 'content-encoding': 'br' },
        JSON.stringify(lead),
        'unsupported_content_encoding',
      ],
    ];
    for (const [headers, body, code] of cases) {
      const response = await fetch(`${intake.base}/api/contact`, { method: 'POST', headers, body });
      expect(response.status, JSON.stringify(headers)).toBe(415);
      expect(((await response.json()) as ErrorBody).error.code).toBe(code);
    }
    expect(await intake.counts()).toEqual(before);
  });

  it('reads UTF-8 however it is named, and Content-Encoding: identity', async () => {
    const variants: Record<string, string>[] = [
      { 'content-type': 'application/json; charset=UTF-8' },
      { 'content-type': 'application/json;charset=utf8' },
      { 'content-type': 'application/json', 'content-encoding': 'identity' },
    ];
    for (const headers of variants) {
      const lead = validLead({ first_name: 'Zoë' });
      const response = await fetch(`${intake.base}/api/contact`, {
        method: 'POST',
        headers,
        body: JSON.stringify(lead),
      });
      expect(response.status, JSON.stringify(headers)).toBe(201);
      // Read as sent: the accented name is stored as typed, not as Latin-1 mojibake ("ZoÃ«").
      const { rows } = await database.pool.query<{ first_name: string }>(
        'SELECT first_name FROM hermes_leads WHERE email = $1',
        [lead.email],
      );
      expect(rows, JSON.stringify(headers)).toEqual([{ first_name: 'Zoë' }]);
    }
  });

  it('400 for a key sent twice, in JSON or in form fields, instead of the last one winning', async () => {
    const before = await intake.counts();
    const lead = validLead();
    const json = JSON.stringify(lead).replace(/^\{/, '{"email":"someone.else@example.com",');
    const twice = await intake.post(undefined, { raw: json });
    expect(twice.status).toBe(400);
    const body = (await twice.json()) as ErrorBody;
    expect(body.error.fields?.map((f) => f.field)).toEqual(['email']);
    expect(JSON.stringify(body)).not.toContain('someone.else');

    const form = new URLSearchParams(Object.entries(lead).map(([k, v]): [string, string] => [k, String(v)]));
    form.append('email', 'someone.else@example.com');
    const formTwice = await fetch(`${intake.base}/api/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(formTwice.status).toBe(400);
    expect(((await formTwice.json()) as ErrorBody).error.fields?.map((f) => f.field)).toEqual(['email']);
    expect(await intake.counts()).toEqual(before);
  });

  it('a name of invisible characters is refused over HTTP as in the form', async () => {
    const response = await intake.post(
      validLead({ first_name: '\u200b\u200b', last_name: 'Ada\u202egnp.exe' }),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.fields?.map((f) => f.field)).toEqual([
      'first_name',
      'last_name',
    ]);
  });
});
