import { expect, it } from 'vitest';
import { useTestDatabase } from '../support/test-database.ts';
import { expectSubmissionUnavailable } from './support/expect-unavailable.ts';
import { startIntake, validLead, type IntakeUnderTest } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

const database = useTestDatabase();
const config = {
  intake: { formTokenSecret: 'a-test-form-token-secret-0123456789', rateLimit: { enabled: false } },
};
const intake = useIntake({ database, config });

async function metricsOf(server: IntakeUnderTest): Promise<string> {
  return (await fetch(`${server.base}/metrics`)).text();
}

it('a schema mismatch is a bug (500), counted once, its query timed', async () => {
  await database.pool.query('ALTER TABLE hermes_outbox RENAME TO hermes_outbox_moved');
  try {
    const response = await intake.post(validLead());
    expect(response.status).toBe(500);
    expect(response.headers.get('retry-after')).toBeNull();
  } finally {
    await database.pool.query('ALTER TABLE hermes_outbox_moved RENAME TO hermes_outbox');
  }
  const metrics = await metricsOf(intake);
  expect(metrics).toMatch(/^database_errors_total\{kind="undefined_object"\} 1$/m);
  expect(metrics).toMatch(/^database_query_duration_seconds_count\{operation="record_lead"\} 1$/m);
  expect(await intake.counts()).toEqual({ leads: 0, outbox: 0, keys: 0 });
});

it('a read-only database (a replica after failover) is unavailable: 503 with Retry-After, and a safe retry', async () => {
  await database.pool.query(`ALTER DATABASE "${database.name}" SET default_transaction_read_only = on`);
  // A new server, so its connections start read-only.
  const replica = await startIntake({ database, config });
  try {
    const response = await replica.post(validLead(), { headers: { 'idempotency-key': 'after-failover' } });
    await expectSubmissionUnavailable(response);
    expect(await metricsOf(replica)).toMatch(/^database_errors_total\{kind="unavailable"\} 1$/m);
  } finally {
    await database.pool.query(`ALTER DATABASE "${database.name}" RESET default_transaction_read_only`);
    await replica.close();
  }
  // The retry the answer asks for, once writes are back: the refused attempt left no key behind,
  // so it is stored (not replayed, not a 422), exactly once.
  const before = await intake.counts();
  const retry = await intake.post(validLead(), { headers: { 'idempotency-key': 'after-failover' } });
  expect(retry.status).toBe(201);
  expect(retry.headers.get('idempotent-replayed')).toBeNull();
  expect(await intake.counts()).toEqual({
    leads: before.leads + 1,
    outbox: before.outbox + 1,
    keys: before.keys + 1,
  });
});
