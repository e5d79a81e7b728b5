import { afterEach, describe, expect, it } from 'vitest';
import { startIntake, type IntakeUnderTest } from './support/start-intake.ts';

// The admin guard with its rate limits switched off, and with the refusal counters unwritable:
// every request without a valid key is still refused, and nothing else changes.

const key = 'the-right-admin-key-0123456789abcdef';
const started: IntakeUnderTest[] = [];
afterEach(async () => {
  for (const intake of started.splice(0)) await intake.close();
});

async function start(admin: Record<string, unknown>): Promise<IntakeUnderTest> {
  const intake = await startIntake({
    config: { server: { trustProxy: true }, admin: { apiKeys: [key], ...admin } },
  });
  started.push(intake);
  return intake;
}

const call = (intake: IntakeUnderTest, client: string, bearer: string): Promise<Response> =>
  fetch(`${intake.base}/api/admin/deliveries`, {
    headers: { 'x-forwarded-for': client, authorization: `Bearer ${bearer}` },
  });

describe('admin.rateLimit.enabled: false', () => {
  it('answers every wrong key 401, never 429, still counts each refusal, and lets the right key in', async () => {
    const intake = await start({ rateLimit: { enabled: false, refusedMax: 2 } });
    const client = '198.51.100.20';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(intake, client, `wrong-key-${String(i)}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await call(intake, client, key)).status).toBe(200);

    const { rows } = await intake.database.pool.query<{ attempts: number; rate_limited: number }>(
      'SELECT sum(attempts)::int AS attempts, sum(rate_limited)::int AS rate_limited FROM hermes_ops.admin_refusals WHERE client = $1',
      [client],
    );
    expect(rows[0]).toEqual({ attempts: 6, rate_limited: 0 });
  });
});

describe('when a refusal cannot be counted', () => {
  it('still answers 401, and logs the failure by its code only, without the client address', async () => {
    const intake = await start({});
    // Refused by the database with an error whose detail quotes the row, the client's address included.
    await intake.database.pool.query(
      'ALTER TABLE hermes_ops.admin_refusals ADD CONSTRAINT refuse_every_row CHECK (false) NOT VALID',
    );
    const client = '198.51.100.21';
    const response = await call(intake, client, 'a-wrong-key');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="hermes-admin"');

    const lines = intake.logs.filter((line) => line.includes('admin_refusal_not_recorded'));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) {
      const logged = JSON.parse(line) as { level: number; err: unknown };
      expect(logged.level).toBe(40);
      // The code only: the driver's detail quotes the row ("Failing row contains (198.51.100.21, ...").
      expect(logged.err).toEqual({ code: '23514' });
      expect(line).not.toContain('Failing row');
      expect(line).not.toContain(client);
    }
  });
});
