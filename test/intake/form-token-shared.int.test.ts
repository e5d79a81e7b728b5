import { afterAll, beforeAll, expect, it } from 'vitest';
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

it('stores one secret, whichever instance started first', async () => {
  const { rows } = await database.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM hermes_ops.settings WHERE key = 'form_token_secret'`,
  );
  expect(rows[0]?.n).toBe(1);
});
