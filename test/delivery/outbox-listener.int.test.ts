import { createServer, type Server } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { listenForOutbox, type OutboxListener } from '../../src/delivery/outbox-listener.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { insertLeads } from './support/insert-leads.ts';

// The worker's LISTEN connection: an outbox insert wakes it at once, and a lost connection comes
// back by itself, waking the worker again (what was notified while it was away is lost).

const db = useTestDatabase();
const opened: OutboxListener[] = [];
const servers: Server[] = [];

afterEach(async () => {
  for (const listener of opened.splice(0)) await listener.close();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly reason?: string;
}

/** A listener whose wake-ups are counted and whose log lines are kept. */
function listen(url: string): { wakes: () => number; lines: LogLine[] } {
  let wakes = 0;
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  );
  opened.push(listenForOutbox(url, () => (wakes += 1), logger));
  return { wakes: () => wakes, lines };
}

async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The backend pids of this database's LISTEN connections. */
async function listenerPids(): Promise<number[]> {
  const { rows } = await db.pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'hermes-delivery-listen'`,
  );
  return rows.map((row) => row.pid);
}

const messages = (lines: readonly LogLine[]): string[] => lines.map((line) => line.msg);

describe('the outbox listener', () => {
  it('wakes the worker once it listens, and again on each outbox insert', async () => {
    const { wakes, lines } = listen(db.url);
    await until('the first wake-up', () => wakes() === 1);
    await until('the LISTEN connection', async () => (await listenerPids()).length === 1);

    await insertLeads(db.pool, 1);
    await until('the wake-up of the insert', () => wakes() === 2);
    await insertLeads(db.pool, 1);
    await until('the wake-up of the second insert', () => wakes() === 3);
    expect(messages(lines)).toEqual([]);
  });

  it('reconnects by itself when its connection is killed, wakes the worker, and listens again', async () => {
    const { wakes, lines } = listen(db.url);
    await until('the first wake-up', () => wakes() === 1);
    const [first] = await listenerPids();
    await db.pool.query('SELECT pg_terminate_backend($1)', [first]);

    await until('the restored connection', () =>
      messages(lines).includes('delivery: LISTEN connection restored'),
    );
    expect(messages(lines)).toEqual([
      'delivery: LISTEN connection lost; reconnecting',
      'delivery: LISTEN connection restored',
    ]);
    expect(lines[0]?.level).toBe(40);
    expect(lines[0]?.reason).toMatch(/terminat/i);
    // Woken on reconnecting: what was inserted while it was away was not notified.
    expect(wakes()).toBe(2);
    const pids = await listenerPids();
    expect(pids).toHaveLength(1);
    expect(pids).not.toContain(first);

    await insertLeads(db.pool, 1);
    await until('the wake-up of an insert after the reconnection', () => wakes() === 3);
  });

  it('closes its connection: no more wake-ups, no reconnection', async () => {
    const { wakes, lines } = listen(db.url);
    await until('the first wake-up', () => wakes() === 1);
    await opened.splice(0)[0]?.close();
    await until('the LISTEN connection to end', async () => (await listenerPids()).length === 0);

    await insertLeads(db.pool, 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(wakes()).toBe(1);
    expect(await listenerPids()).toEqual([]);
    expect(messages(lines)).toEqual([]);
  });

  it('retries an unreachable server with a growing delay, logs the loss once, and stops retrying on close', async () => {
    // A server that hangs up on every connection: each attempt fails at once.
    const attempts: number[] = [];
    const server = createServer((socket) => {
      attempts.push(Date.now());
      socket.destroy();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');

    const { wakes, lines } = listen(`postgres://hermes@127.0.0.1:${String(address.port)}/hermes`);
    await until('four attempts', () => attempts.length >= 4);
    const gaps = attempts.slice(1).map((at, i) => at - (attempts[i] ?? at));
    // 250 ms, then doubled each time (timers never fire early; a loaded machine only adds).
    expect(gaps[0]).toBeGreaterThanOrEqual(240);
    expect(gaps[1]).toBeGreaterThanOrEqual(490);
    expect(gaps[2]).toBeGreaterThanOrEqual(990);
    expect(messages(lines)).toEqual(['delivery: LISTEN connection lost; reconnecting']);
    expect(wakes()).toBe(0);

    await opened.splice(0)[0]?.close();
    const seen = attempts.length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(attempts).toHaveLength(seen);
  });
});
