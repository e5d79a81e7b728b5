import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseRole } from '../../src/runtime/release-role.ts';
import { validLead } from '../intake/support/start-intake.ts';
import { startN8nReceiver, type N8nReceiver } from '../support/n8n-receiver.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { eventually, outboxCounts } from './support/delivery-setup.ts';
import { serveHermes, type ServingHermes } from './support/spawn-worker.ts';

interface LogLine {
  readonly msg: string;
  readonly role?: ReleaseRole;
  readonly was?: ReleaseRole | null;
}

// Long enough for a worker that should not be there to have claimed a lead (serve polls every second).
const quietMs = 2_500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('hermes serve follows its release role (server.roleFile, SIGUSR2)', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const db = useTestDatabase();
  let dir: string;
  let roleFile: string;
  let receiver: N8nReceiver;
  let serve: ServingHermes;

  beforeAll(async () => {
    receiver = await startN8nReceiver({ secrets: [secret] });
    dir = mkdtempSync(join(tmpdir(), 'hermes-serve-role-'));
    roleFile = join(dir, 'role');
    // As the deploy target starts a new colour: standby until it has answered /readyz.
    writeFileSync(roleFile, 'standby\n');
    serve = await serveHermes({
      DATABASE_URL: db.url,
      HERMES_ROLE_FILE: roleFile,
      HERMES_N8N_WEBHOOK_URL: receiver.url,
      HERMES_N8N_SIGNING_SECRET: secret,
      HERMES_MIN_FILL_MS: '0',
      HERMES_RATE_LIMIT: 'off',
      LOG_LEVEL: 'info',
    });
  }, 60_000);
  afterAll(async () => {
    serve.child.kill('SIGTERM');
    await serve.exited;
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Serve's JSON log lines so far (stdout, one object a line). */
  const logs = (): LogLine[] =>
    serve
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as LogLine];
        } catch {
          return []; // A line still being written.
        }
      });
  const logged = (msg: string) => logs().filter((line) => line.msg === msg);
  const roleChanges = () => logged('release role changed').map(({ role, was }) => ({ role, was }));

  /** What the deploy target does: write the role file, then signal the process. */
  const switchTo = async (role: ReleaseRole, changesBefore: number) => {
    writeFileSync(roleFile, `${role}\n`);
    serve.child.kill('SIGUSR2');
    await eventually(() => roleChanges().length > changesBefore, `serve to log the change to ${role}`);
  };

  const post = async () => {
    const response = await fetch(`${serve.base}/api/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validLead()),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { lead_id: string }).lead_id;
  };
  const deliveredLeads = () => receiver.received.map((got) => got.body.lead_id);

  it('delivers only while live: standby at start, live, standby again, live again', async () => {
    // Standby: the intake commits, but no worker runs.
    const first = await post();
    await sleep(quietMs);
    expect(receiver.requestCount).toBe(0);
    expect(await outboxCounts(db.pool)).toEqual({ pending: 1 });
    expect(logged('delivery: worker started')).toEqual([]);

    await switchTo('live', 0);
    await receiver.waitForDelivered(1, 15_000);
    expect(deliveredLeads()).toEqual([first]);
    expect(receiver.received[0]?.signatureValid).toBe(true);
    await eventually(async () => (await outboxCounts(db.pool)).delivered === 1, 'the row delivered');

    await switchTo('standby', 1);
    await eventually(() => logged('delivery: paused (standby)').length === 1, 'the worker paused');
    const second = await post();
    await sleep(quietMs);
    expect(receiver.requestCount).toBe(1);
    expect(await outboxCounts(db.pool)).toEqual({ delivered: 1, pending: 1 });

    await switchTo('live', 2);
    await receiver.waitForDelivered(2, 15_000);
    expect(deliveredLeads()).toEqual([first, second]);
    await eventually(async () => (await outboxCounts(db.pool)).delivered === 2, 'both rows delivered');

    expect(roleChanges()).toEqual([
      { role: 'live', was: 'standby' },
      { role: 'standby', was: 'live' },
      { role: 'live', was: 'standby' },
    ]);
    // One worker, started when the release first turned live, paused and resumed after.
    expect(logged('delivery: worker started')).toHaveLength(1);
    expect(logged('delivery: resumed')).toHaveLength(1);
    // Still serving all along.
    const health = await fetch(`${serve.base}/health`);
    expect(health.status).toBe(200);
    await health.arrayBuffer();
  });

  it('keeps its role when the file names none, and SIGUSR2 does not end the process', async () => {
    const changes = roleChanges().length;
    writeFileSync(roleFile, 'purple\n');
    serve.child.kill('SIGUSR2');
    await eventually(
      () => logged('release role: the file names no role (live or standby)').length === 1,
      'the warning',
    );
    expect(roleChanges()).toHaveLength(changes);
    const third = await post();
    await receiver.waitForDelivered(3, 15_000);
    expect(deliveredLeads().at(-1)).toBe(third);
    expect(serve.child.exitCode).toBeNull();
  });
});
