import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectSubmissionUnavailable } from './support/expect-unavailable.ts';
import { TcpProxy } from './support/tcp-proxy.ts';
import { startIntake, validLead, type IntakeUnderTest } from './support/start-intake.ts';
import { adminUrl } from '../support/admin-url.ts';

let intake: IntakeUnderTest;
const target = new URL(adminUrl());
const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));

beforeAll(async () => {
  await proxy.start();
  intake = await startIntake({ viaUrl: (url) => proxy.route(url) });
});
afterAll(async () => {
  await intake.close();
  await proxy.stop();
});

it('answers 503 with Retry-After while the database is unreachable, stores nothing, and recovers without a restart', async () => {
  expect((await intake.post(validLead())).status).toBe(201);
  const before = await intake.counts();

  await proxy.stop();
  for (let i = 0; i < 3; i++) {
    await expectSubmissionUnavailable(await intake.post(validLead()));
  }
  const health = await fetch(`${intake.base}/health/database`);
  expect(health.status).toBe(503);
  // The error's kind, not the driver's message (which can name hosts and users).
  expect(await health.json()).toMatchObject({ status: 'unavailable', reason: 'connection_failure' });
  // Counted through the database's own URL, not the cut one.
  expect(await intake.counts()).toEqual(before);
  const metrics = await (await fetch(`${intake.base}/metrics`)).text();
  // One per failed submission: counted once, not again by the error handler.
  expect(metrics).toMatch(/database_errors_total\{kind="connection_failure"\} 3\n/);
  expect(metrics).toMatch(/leads_received_total\{outcome="unavailable"\} 3/);
  expect(metrics).toMatch(
    /http_requests_errors_total\{method="POST",route="\/api\/contact",status="503"\} 3/,
  );

  await proxy.start();
  const recovered = await intake.post(validLead());
  expect(recovered.status).toBe(201);
  expect((await intake.counts()).leads).toBe(before.leads + 1);
  const healthy = await fetch(`${intake.base}/health/database`);
  expect(healthy.status).toBe(200);
  const body = (await healthy.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status: 'ok', read: true, write: true });
  // No lead count: the probe reads one row, it does not scan the table.
  expect(body).not.toHaveProperty('leads');
});
