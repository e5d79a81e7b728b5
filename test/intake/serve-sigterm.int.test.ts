import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cleanEnv, hermesBin } from '../support/run-cli.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { validLead } from './support/start-intake.ts';

const database = useTestDatabase();

/** Starts `hermes serve --port 0` and resolves with the child and the port it printed. */
async function serve(
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  const child = spawn(process.execPath, [hermesBin, 'serve', '--port', '0'], {
    env: {
      ...cleanEnv(),
      ...extraEnv,
      DATABASE_URL: database.url,
      HERMES_RATE_LIMIT: 'off',
      HERMES_MIN_FILL_MS: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let stdout = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(stdout);
      if (match?.[1]) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { child, port, stderr: () => stderr };
}

/** Resolves once the port refuses new connections (the server has stopped accepting). */
async function refused(port: number): Promise<void> {
  for (;;) {
    const socket = net.connect(port, '127.0.0.1');
    const outcome = await new Promise<'open' | 'refused'>((resolve) => {
      socket.once('connect', () => resolve('open'));
      socket.once('error', () => resolve('refused'));
    });
    socket.destroy();
    if (outcome === 'refused') return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

it('on SIGTERM stops accepting, answers the requests in flight, commits every 201, closes the pool and exits 0', async () => {
  const { child, port, stderr } = await serve();
  const base = `http://127.0.0.1:${port}`;
  const accepted: string[] = [];
  const statuses = new Map<number, number>();
  let stop = false;
  let reachedLoad: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => (reachedLoad = resolve));

  const loop = async () => {
    while (!stop) {
      try {
        const response = await fetch(`${base}/api/contact`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(validLead()),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 201) {
          accepted.push(((await response.json()) as { lead_id: string }).lead_id);
          if (accepted.length >= 40) reachedLoad();
        } else await response.arrayBuffer();
      } catch {
        // Connection refused or closed: the server has stopped accepting.
        if (accepted.length >= 40) return;
      }
    }
  };
  const loops = Array.from({ length: 8 }, loop);

  // A request in flight at SIGTERM: its headers and half its body are sent before the signal.
  const body = JSON.stringify(validLead());
  const slow = net.connect(port, '127.0.0.1');
  await once(slow, 'connect');
  let answer = '';
  slow.on('data', (chunk: Buffer) => (answer += chunk.toString()));
  slow.write(
    `POST /api/contact HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
  );
  slow.write(body.slice(0, 40));

  await loaded;
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill('SIGTERM');
  await refused(port);
  // write, not end: a half-closed socket would tell the server the client gave up.
  slow.write(body.slice(40));
  await once(slow, 'close');
  stop = true;
  await Promise.all(loops);
  const [code] = await exited;

  expect(code, stderr()).toBe(0);
  expect(answer).toMatch(/^HTTP\/1\.1 201 /);
  const inFlight = /"lead_id":"([^"]+)"/.exec(answer)?.[1];
  expect(inFlight).toBeDefined();
  // Only real answers: accepted, or refused while closing.
  expect([...statuses.keys()].every((status) => status === 201 || status === 503)).toBe(true);

  const ids = [...accepted, inFlight ?? ''];
  const { rows } = await database.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM hermes_leads WHERE lead_id = ANY($1)',
    [ids],
  );
  expect(rows[0]?.n).toBe(ids.length);
}, 60_000);

it('on SIGTERM waits at most server.shutdownGraceMs for a request that never finishes, then exits', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hermes-grace-'));
  const configFile = join(dir, 'hermes.yaml');
  // A request timeout far beyond the test's: without the grace limit the process would wait for it.
  await writeFile(configFile, 'server:\n  shutdownGraceMs: 200\n  requestTimeoutMs: 600000\n');
  try {
    const { child, port, stderr } = await serve({ HERMES_CONFIG: configFile });
    const stuck = net.connect(port, '127.0.0.1');
    await once(stuck, 'connect');
    stuck.on('error', () => undefined);
    stuck.write(
      'POST /api/contact HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"first',
    );
    // The request is in flight once the server has read its headers; /health answering shows it is serving.
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    child.kill('SIGTERM');
    const [code] = await exited;
    stuck.destroy();
    expect(code, stderr()).toBe(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
