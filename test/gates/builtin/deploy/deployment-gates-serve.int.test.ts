import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthDeploymentGate } from '../../../../src/gates/builtin/deploy/health-deployment.ts';
import { loadDeploymentGate } from '../../../../src/gates/builtin/deploy/load-deployment.ts';
import { serveHermes, type ServingHermes } from '../../../delivery/support/spawn-worker.ts';
import { startN8nReceiver, type N8nReceiver } from '../../../support/n8n-receiver.ts';
import { useTestDatabase } from '../../../support/test-database.ts';
import { judged } from '../../support/judged.ts';
import { gateContext } from '../support/gate-context.ts';
import { hooksFor } from './support/step-hooks.ts';

// Both gates against a real `hermes serve` on a migrated database with n8n answering: what a
// healthy release looks like to them, its /metrics and health answers as Hermes writes them.
const db = useTestDatabase();
const secret = `whsec_${randomBytes(32).toString('base64')}`;
let receiver: N8nReceiver;
let serve: ServingHermes;

beforeAll(async () => {
  receiver = await startN8nReceiver({ secrets: [secret] });
  serve = await serveHermes({
    DATABASE_URL: db.url,
    HERMES_N8N_WEBHOOK_URL: receiver.url,
    HERMES_N8N_SIGNING_SECRET: secret,
  });
}, 60_000);
afterAll(async () => {
  serve.child.kill('SIGTERM');
  await serve.exited;
  await receiver.close();
});

const hooks = hooksFor(() => serve.base);

describe('the deployment gates on a healthy hermes serve', () => {
  it('health.deployment: /health, /health/database, /health/n8n and /readyz all answer 200', async () => {
    const ctx = gateContext({
      config: { gates: { thresholds: { deploy: { health: { deadline: '10s' } } } } },
    });
    const outcome = await healthDeploymentGate(hooks).run(ctx);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(judged(outcome).map((m) => [m.name, m.value, m.passed])).toEqual([
      ['/health: last status', 200, true],
      ['/health/database: last status', 200, true],
      ['/health/n8n: last status', 200, true],
      ['/readyz: last status', 200, true],
    ]);
  });

  it('load.deployment: the default requests within the SLA, no error, memory read from /metrics', async () => {
    const ctx = gateContext({
      // A generous SLA: this test is about what a real release answers, not how fast this machine is.
      config: {
        gates: {
          thresholds: {
            deploy: { load: { duration: '2s', connections: 4, memorySampleInterval: '250ms', p95Ms: 5_000 } },
          },
        },
      },
    });
    const outcome = await loadDeploymentGate(hooks).run(ctx);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(judged(outcome).every((m) => m.passed)).toBe(true);
    expect(outcome.measurements?.find((m) => m.name === 'resident memory at end')?.value).toBeGreaterThan(0);
    // Reads only: the load posted no lead for n8n to receive.
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hermes_leads');
    expect(rows[0]?.n).toBe(0);
    expect(receiver.requestCount).toBe(0);
  });
});
