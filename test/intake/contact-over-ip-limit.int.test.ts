import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSubmissionUnavailable } from './support/expect-unavailable.ts';
import { startIntake, validLead, type IntakeUnderTest } from './support/start-intake.ts';
import { TcpProxy } from './support/tcp-proxy.ts';
import { adminUrl } from '../support/admin-url.ts';

const target = new URL(adminUrl());
const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
let intake: IntakeUnderTest;

beforeAll(async () => {
  await proxy.start();
  intake = await startIntake({
    viaUrl: (url) => proxy.route(url),
    config: { intake: { rateLimit: { perIpMax: 1, perIpWindowMs: 600_000 } } },
  });
});
afterAll(async () => {
  await intake.close();
  await proxy.stop();
});

async function keyLookups(): Promise<number> {
  const text = await (await fetch(`${intake.base}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('database_query_duration_seconds_count{operation="find_idempotency_key"}'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('past the per-IP limit', () => {
  it('answers an invalid body 429, not 400, and looks no key up for it', async () => {
    const key = `first-${String(Date.now())}`;
    expect((await intake.post(validLead(), { headers: { 'idempotency-key': key } })).status).toBe(201);
    const before = await keyLookups();

    const response = await intake.post(validLead({ email: 'not an email' }), {
      headers: { 'idempotency-key': `invalid-${String(Date.now())}` },
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await keyLookups()) - before).toBe(0);
  });

  it("answers 503 when the database is gone while a retry's key is looked up, never a 429 that says nothing was stored", async () => {
    const lead = validLead();
    const key = `retry-${String(Date.now())}`;
    const before = await intake.counts();
    await proxy.stop();
    try {
      await expectSubmissionUnavailable(await intake.post(lead, { headers: { 'idempotency-key': key } }));
    } finally {
      await proxy.start();
    }
    expect(await intake.counts()).toEqual(before);
  });
});
