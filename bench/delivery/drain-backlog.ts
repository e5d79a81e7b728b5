/**
 * `npm run bench:delivery`: 10,000 leads queued while n8n (a local n8n-like receiver) is down, then
 * it comes back; measures how fast `hermes worker` drains the backlog.
 * Reference: >= 1,000 leads/s to a local receiver on the project's 2-core machine.
 *
 * Options (environment): BENCH_LEADS (10000), BENCH_CONCURRENCY (32), BENCH_DOWN_MS (3000),
 * TEST_DATABASE_URL (else postgres://postgres@127.0.0.1:5432/postgres).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool } from '../../src/db/pool.ts';
import { createScratchDatabase } from '../../src/db/scratch-database.ts';
import { Migrator } from '../../src/migrations/migrator.ts';
import { startN8nReceiver } from '../../test/support/n8n-receiver.ts';
import { insertLeads } from '../../test/delivery/support/insert-leads.ts';

const leads = Number(process.env.BENCH_LEADS ?? 10_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const downMs = Number(process.env.BENCH_DOWN_MS ?? 3_000);
const reference = 1_000;
const root = fileURLToPath(new URL('../..', import.meta.url));
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  const scratch = await createScratchDatabase(serverUrl, false, 'hermes_bench_delivery');
  const pool = createPool(scratch.url, {
    max: 4,
    connectionTimeoutMs: 5_000,
    idleTimeoutMs: 10_000,
    statementTimeoutMs: 0,
  });
  const receiver = await startN8nReceiver();
  const configDir = mkdtempSync(join(tmpdir(), 'hermes-bench-'));
  const config = join(configDir, 'hermes.yaml');
  // The default breaker (5 s cooldown, doubling) would add its wait to the figure; the drain is what is measured.
  writeFileSync(config, 'delivery:\n  circuitBreaker: { cooldown: 200ms, maxCooldown: 1s }\n');
  let worker: ReturnType<typeof spawn> | undefined;
  try {
    const run = await new Migrator({
      pool,
      dir: join(root, 'migrations'),
      lockTimeoutMs: 5_000,
      statementTimeoutMs: 0,
    }).up();
    if (run.error) throw run.error;
    await receiver.stop();

    worker = spawn(
      process.execPath,
      [join(root, 'bin/hermes.js'), 'worker', '--concurrency', String(concurrency)],
      {
        env: {
          ...process.env,
          DATABASE_URL: scratch.url,
          HERMES_N8N_WEBHOOK_URL: receiver.url,
          HERMES_CONFIG: config,
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      worker?.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Hermes worker')) resolve();
      });
      worker?.once('exit', (code) => reject(new Error(`hermes worker exited with ${String(code)}`)));
    });

    const queuedAt = performance.now();
    for (let done = 0; done < leads; done += 1_000) await insertLeads(pool, Math.min(1_000, leads - done));
    console.log(
      `queued ${String(leads)} leads in ${String(Math.round(performance.now() - queuedAt))} ms (receiver down)`,
    );
    await sleep(downMs);

    await receiver.start();
    const startedAt = performance.now();
    await receiver.waitForRequests(1, 120_000);
    const firstAt = performance.now();
    await receiver.waitForDelivered(leads, 600_000);
    const lastAt = performance.now();
    for (;;) {
      const { rows } = await pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM hermes_outbox WHERE status <> 'delivered'",
      );
      if (rows[0]?.n === 0) break;
      await sleep(20);
    }
    const zeroAt = performance.now();

    const drainS = (lastAt - firstAt) / 1000;
    const rate = leads / drainS;
    const duplicates = receiver.received.length - receiver.deliveredIds().size;
    console.log(
      `receiver up → first request: ${String(Math.round(firstAt - startedAt))} ms (the circuit breaker's probe)`,
    );
    console.log(`first → last delivery:       ${drainS.toFixed(2)} s`);
    console.log(`receiver up → backlog zero:  ${((zeroAt - startedAt) / 1000).toFixed(2)} s`);
    console.log(
      `drain rate:                  ${String(Math.round(rate))} leads/s (reference: >= ${String(reference)} leads/s) ${rate >= reference ? 'OK' : 'BELOW REFERENCE'}`,
    );
    console.log(
      `duplicates received:         ${String(duplicates)}; worker concurrency ${String(concurrency)}`,
    );
    return rate >= reference ? 0 : 1;
  } finally {
    worker?.kill('SIGTERM');
    await receiver.close();
    await pool.end();
    await scratch.drop();
  }
}

process.exitCode = await main();
