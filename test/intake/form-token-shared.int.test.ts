import { afterAll, beforeAll, expect, it } from 'vitest';
import { FormTokens } from '../../src/intake/form-token.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { startIntake, validLead, type IntakeUnderTest } from './support/start-intake.ts';

// Two instances on one database, neither with a configured `formTokenSecret`: a restart or a
// deploy behind a load balancer must not turn a real lead into spam.
const database = useTestDatabase();
let first: IntakeUnderTest;
let second: IntakeUnderTest;
const config = { intake: { minFillMs: 1_000, rateLimit: { enabled: false } } };

beforeAll(async () => {
  first = await startIntake({ database, config });
  second = await startIntake({ database, config });
});
afterAll(async () => {
  await first.close();
  await second.close();
});

/** The token the form page of `intake` renders. */
async function renderedToken(intake: IntakeUnderTest): Promise<string> {
  const html = await (await fetch(`${intake.base}/`)).text();
  const token = /name="form_token" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no form_token on the form page');
  return token;
}

it('a token issued by one instance is accepted by another: the lead is received and queued', async () => {
  const token = await renderedToken(first);
  // The fill time must pass; an event cannot stand in for the clock here.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const response = await second.post(validLead({ form_token: token }));
  expect(response.status).toBe(201);
  const { lead_id: leadId } = (await response.json()) as { lead_id: string };
  const { rows } = await database.pool.query<{ status: string; spam_reason: string | null; outbox: number }>(
    `SELECT status, spam_reason, (SELECT count(*)::int FROM hermes_outbox o WHERE o.lead_id = l.lead_id) AS outbox
     FROM hermes_leads l WHERE lead_id = $1`,
    [leadId],
  );
  expect(rows[0]).toEqual({ status: 'received', spam_reason: null, outbox: 1 });
});

it('every instance signs with the one stored secret, and one started later keeps it', async () => {
  const stored = async (): Promise<string | undefined> =>
    (
      await database.pool.query<{ value: string }>(
        `SELECT value FROM hermes_ops.settings WHERE key = 'form_token_secret'`,
      )
    ).rows[0]?.value;
  const secret = await stored();
  // 32 random bytes, base64url: a key no one can guess, not a constant.
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const tokens = new FormTokens(secret ?? '', 24);
  expect(tokens.check(await renderedToken(first)).ok).toBe(true);
  expect(tokens.check(await renderedToken(second)).ok).toBe(true);
  // A restart (a third instance on the same database) must not replace the key the others use.
  const third = await startIntake({ database, config });
  try {
    expect(tokens.check(await renderedToken(third)).ok).toBe(true);
  } finally {
    await third.close();
  }
  expect(await stored()).toBe(secret);
});
