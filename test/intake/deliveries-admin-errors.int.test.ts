import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntake, type IntakeUnderTest } from './support/start-intake.ts';

// The replay route throws its operation's errors as they are; the HTTP edge answers them.
const key = 'an-admin-key-of-forty-characters-0123456';
let intake: IntakeUnderTest;

beforeAll(async () => {
  intake = await startIntake({
    config: { admin: { apiKeys: [key] }, intake: { rateLimit: { enabled: false } } },
  });
});
afterAll(async () => {
  await intake.close();
});

function replay(body: unknown) {
  return fetch(`${intake.base}/api/admin/deliveries/replay`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('deliveries admin errors, answered at the HTTP edge', () => {
  it('answers a replay that asks for nothing (invalid_argument) 400 validation_failed, with its details', async () => {
    const response = await replay({});
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'validation_failed',
        message: 'nothing to replay: give lead ids, --dead, or --since <time>',
        details: [],
      },
    });
    const both = await replay({ lead_ids: ['not-a-lead'] });
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({
      error: { code: 'validation_failed', details: ['got "not-a-lead"'] },
    });
  });

  it('answers lead ids without a delivery 404 delivery_not_found, naming them', async () => {
    const response = await replay({ lead_ids: ['HS-20250101-ZZZZZZ'] });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        code: 'delivery_not_found',
        message: 'no delivery for some lead ids (unknown, or spam: never forwarded); nothing was replayed',
        lead_ids: ['HS-20250101-ZZZZZZ'],
      },
    });
  });
});
