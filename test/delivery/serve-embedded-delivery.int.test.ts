import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validLead } from '../intake/support/start-intake.ts';
import { startN8nReceiver, type N8nReceiver } from '../support/n8n-receiver.ts';
import { spawnHermes, type SpawnedProcess } from './support/spawn-worker.ts';

// On the embedded database NOTIFY does not cross connections: the intake wakes the worker in-process.
describe('hermes serve on the embedded database delivers to n8n', () => {
  let receiver: N8nReceiver | undefined;
  let serve: SpawnedProcess | undefined;

  afterAll(async () => {
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    await receiver?.close();
  });

  it('delivers a lead posted to /api/contact', { timeout: 120_000 }, async () => {
    receiver = await startN8nReceiver();
    const dir = mkdtempSync(join(tmpdir(), 'hermes-embedded-delivery-'));
    // Only the in-process wake-up can deliver within the test's time: the poll waits ten minutes.
    writeFileSync(join(dir, 'hermes.yaml'), 'delivery: { pollIntervalMs: 600000 }\n');
    serve = await spawnHermes(
      ['serve'],
      {
        HERMES_DATA_DIR: join(dir, 'pgdata'),
        PORT: '0',
        HERMES_N8N_WEBHOOK_URL: receiver.url,
        HERMES_MIN_FILL_MS: '0',
        HERMES_CONFIG: join(dir, 'hermes.yaml'),
        LOG_LEVEL: 'warn',
      },
      /Hermes listening on http:\/\/\S+/,
    );
    const base = /Hermes listening on (http:\/\/\S+)/.exec(serve.output())?.[1] ?? '';
    const response = await fetch(`${base}/api/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validLead()),
    });
    expect(response.status).toBe(201);
    const { lead_id: leadId } = (await response.json()) as { lead_id: string };
    await receiver.waitForDelivered(1, 60_000);
    expect(receiver.received[0]?.body.lead_id).toBe(leadId);
  });
});
