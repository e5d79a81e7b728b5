import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../delivery/support/delivery-setup.ts';
import { serveHermes, type ServingHermes } from '../delivery/support/spawn-worker.ts';
import { validLead } from '../intake/support/start-intake.ts';
import { startN8nReceiver, type N8nReceiver } from '../support/n8n-receiver.ts';
import { useTestDatabase } from '../support/test-database.ts';

/**
 * Families whose samples depend on the moment of the scrape: libuv requests in flight (an fs
 * call, a DNS lookup) and garbage collections so far. Every other family must have samples, so
 * that promtool judges real sample lines, not only `# HELP` and `# TYPE`.
 */
const mayBeEmpty: ReadonlySet<string> = new Set(['nodejs_active_requests', 'nodejs_gc_duration_seconds']);

interface PromtoolResult {
  readonly code: number | null;
  readonly output: string;
}

/** `promtool check metrics` with `text` on its stdin; what it prints on stdout and stderr, together. */
function promtoolCheckMetrics(text: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(
              "promtool is not installed: this test needs it (Debian's `prometheus` package: apt-get install prometheus; .ci/run installs it)",
            )
          : error,
      ),
    );
    // A promtool that failed to start closes its stdin: the spawn error above is the one to report.
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

/** Each `# TYPE` family of an exposition and how many sample lines it has. */
function samplesPerFamily(text: string): Map<string, number> {
  const families = new Map<string, number>();
  for (const match of text.matchAll(/^# TYPE (\S+) \S+$/gm)) families.set(match[1] ?? '', 0);
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const name = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(line)?.[0] ?? '';
    // A histogram's samples are named <family>_bucket, _sum and _count.
    const family = families.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    if (families.has(family)) families.set(family, (families.get(family) ?? 0) + 1);
  }
  return families;
}

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
    HERMES_ADMIN_API_KEYS: randomBytes(24).toString('hex'),
    HERMES_MIN_FILL_MS: '0',
    HERMES_RATE_LIMIT: 'off',
  });
}, 60_000);
afterAll(async () => {
  serve.child.kill('SIGTERM');
  await serve.exited;
  await receiver.close();
});

const post = (body: unknown) =>
  fetch(`${serve.base}/api/contact`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Traffic that gives every family of `hermes serve`'s /metrics samples. */
async function exerciseEveryMetric(): Promise<void> {
  expect((await post(validLead())).status).toBe(201);
  await receiver.waitForDelivered(1);
  expect((await post({ first_name: 1 })).status).toBe(400);
  // A 5xx and a database error: the statement meets a schema it does not know.
  await db.pool.query('ALTER TABLE hermes_outbox RENAME TO hermes_outbox_moved');
  try {
    expect((await post(validLead())).status).toBe(500);
  } finally {
    await db.pool.query('ALTER TABLE hermes_outbox_moved RENAME TO hermes_outbox');
  }
  expect((await fetch(`${serve.base}/api/admin/deliveries`)).status).toBe(401);
  expect((await fetch(`${serve.base}/health`)).status).toBe(200);
  expect((await fetch(`${serve.base}/health/database`)).status).toBe(200);
  // Once the worker has recorded the delivery, n8n's health is known.
  await eventually(async () => (await fetch(`${serve.base}/health/n8n`)).status === 200, '/health/n8n 200');
}

it('promtool check metrics accepts the /metrics of a running hermes serve, every family with samples', async () => {
  await exerciseEveryMetric();
  const response = await fetch(`${serve.base}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();

  // promtool prints each finding (stdout or stderr) and exits 3 on lint findings, 1 on a parse error.
  const { code, output } = await promtoolCheckMetrics(text);
  expect(output).toBe('');
  expect(code).toBe(0);

  const families = samplesPerFamily(text);
  // The families later checks read (leaks: heap and open handles; the spec's signals) are there.
  for (const name of [
    'http_requests_total',
    'http_requests_errors_total',
    'database_errors_total',
    'database_pool_connections',
    'deliveries_total',
    'nodejs_heap_size_used_bytes',
    'nodejs_active_handles',
    'process_resident_memory_bytes',
  ]) {
    expect(families.get(name), name).toBeGreaterThan(0);
  }
  const empty = [...families].filter(([name, samples]) => samples === 0 && !mayBeEmpty.has(name));
  expect(empty.map(([name]) => name)).toEqual([]);
});
