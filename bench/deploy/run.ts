// npm run bench:deploy: what a blue/green deploy costs the traffic it runs under, on the local
// target (real nginx, two `hermes serve` colours from production builds, PostgreSQL on this machine).
// Valid leads are posted by BENCH_CLIENTS clients (3) through nginx for BENCH_SECONDS (10) before
// a deploy, during `hermes deploy` of a second release, and during a switch back to the first.
// Printed per phase: requests served, errors, requests sent again (see test/deploy/support/
// lead-traffic.ts), p50 and p99. Reference: 0 errors, every lead stored once; p99 during ≤ 2× before.
// Settings: TEST_DATABASE_URL (the server; default postgres://postgres@127.0.0.1:5432/postgres).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config/load-config.ts';
import { LocalTarget } from '../../src/deploy/local/local-target.ts';
import { createDeploySource } from '../../test/deploy/support/deploy-source.ts';
import { sendLeads, type LeadAnswer } from '../../test/deploy/support/lead-traffic.ts';
import { startN8nReceiver } from '../../test/support/n8n-receiver.ts';
import { runCli } from '../../test/support/run-cli.ts';
import { adminQuery, databaseUrl as testDatabaseUrl } from '../../test/support/test-server.ts';
import { percentile } from '../intake/percentile.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const clients = Number(process.env.BENCH_CLIENTS ?? 3);

function phase(name: string, answers: readonly LeadAnswer[], from: number, to: number) {
  const inside = answers.filter((a) => a.at >= from && a.at < to);
  const ms = inside.map((a) => a.ms).sort((a, b) => a - b);
  return {
    phase: name,
    seconds: Number(((to - from) / 1_000).toFixed(1)),
    served: inside.filter((a) => a.status === 201).length,
    errors: inside.filter((a) => a.status !== 201).length,
    'sent again': inside.filter((a) => a.retried).length,
    'p50 ms': Number(percentile(ms, 50).toFixed(1)),
    'p99 ms': Number(percentile(ms, 99).toFixed(1)),
  };
}

const name = `hermes_bench_deploy_${randomBytes(3).toString('hex')}`;
await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
const databaseUrl = testDatabaseUrl(name);
const receiver = await startN8nReceiver();
const source = await createDeploySource();
const env = {
  CI: '',
  DATABASE_URL: databaseUrl,
  HERMES_N8N_WEBHOOK_URL: receiver.url,
  HERMES_RATE_LIMIT: 'off',
  HERMES_MIN_FILL_MS: '0',
};
const hermes = (...args: string[]) => runCli(args, { cwd: source.dir, env, timeoutMs: 300_000 });
const deploy = (version: string) =>
  hermes('deploy', '--skip', 'pre-deploy', '--reason', 'bench', '--no-reports', '--version', version);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  if ((await hermes('migrate', 'up')).code !== 0) throw new Error('migrate up failed');
  const first = await deploy('1.0.0');
  if (first.code !== 0) throw new Error(`the first deploy failed: ${first.stderr}`);
  const stop = new AbortController();
  const traffic = sendLeads(`${source.publicUrl}/api/contact`, clients, stop.signal);
  const t0 = Date.now();
  await sleep(seconds * 1_000);
  const t1 = Date.now();
  const second = await deploy('2.0.0');
  const t2 = Date.now();
  if (second.code !== 0) throw new Error(`the second deploy failed: ${second.stderr}`);
  const { config } = loadConfig({ cwd: source.dir, env });
  await new LocalTarget(source.dir, config).rollback(AbortSignal.timeout(60_000));
  const t3 = Date.now();
  await sleep(1_000);
  stop.abort();
  const answers = await traffic;
  console.table([
    phase('before', answers, t0, t1),
    phase('during hermes deploy', answers, t1, t2),
    phase('during the switch back', answers, t2, t3),
  ]);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const stored = await client.query<{ n: string }>(
    'SELECT count(*) AS n FROM (SELECT email FROM hermes_leads WHERE email = ANY($1) GROUP BY email HAVING count(*) = 1) once',
    [answers.filter((a) => a.status === 201).map((a) => a.email)],
  );
  await client.end();
  console.log(
    `leads answered 201: ${String(answers.filter((a) => a.status === 201).length)}, stored exactly once: ${stored.rows[0]?.n ?? '?'}; failures: ${String(answers.filter((a) => a.failure !== undefined).length)}`,
  );
} finally {
  await hermes('deploy', 'stop');
  source.cleanup();
  await receiver.close();
  await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
}
