// npm run bench:intake: the intake's ceiling next to PostgreSQL's own, on the same machine, in one run.
// 1. pgbench runs the intake's transaction (insert lead + outbox row) at 32 clients for 10 s;
// 2. `hermes serve` on the same PostgreSQL takes autocannon at 32 connections for 10 s with valid,
//    distinct leads. Reference: intake ÷ pgbench >= 0.5 and intake p99 < 25 ms.
// Settings: TEST_DATABASE_URL (the server; default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_SECONDS (10), BENCH_CONNECTIONS (32), HERMES_BENCH_WORKERS (Node processes; default: the cores).
import { randomBytes } from 'node:crypto';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPool } from '../../src/db/pool.ts';
import { Migrator } from '../../src/migrations/migrator.ts';
import { loadIntake } from './load-intake.ts';
import { runPgbench } from './pgbench-transaction.ts';
import { adminQuery, databaseUrl } from '../../test/support/test-server.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const workers = Number(process.env.HERMES_BENCH_WORKERS ?? availableParallelism());

async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hermes_bench_${label}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = databaseUrl(name);
  const pool = createPool(url, {
    max: 2,
    connectionTimeoutMs: 5_000,
    idleTimeoutMs: 1_000,
    statementTimeoutMs: 0,
  });
  try {
    const run = await new Migrator({
      pool,
      dir: fileURLToPath(new URL('../../migrations', import.meta.url)),
      lockTimeoutMs: 5_000,
      statementTimeoutMs: 60_000,
    }).up();
    if (run.error) throw run.error;
  } finally {
    await pool.end();
  }
  return {
    url,
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

const pgDb = await freshDatabase('pgbench');
const intakeDb = await freshDatabase('intake');
try {
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${seconds} s per run, ${connections} clients`,
  );
  const base = await runPgbench(pgDb.url, connections, seconds);
  console.log(
    `pgbench (insert lead + outbox row): ${base.tps.toFixed(0)} tx/s  p50 ${ms(base.p50Ms)}  p99 ${ms(base.p99Ms)}  errors ${base.errors}`,
  );
  const intake = await loadIntake(intakeDb.url, { connections, seconds, workers });
  console.log(
    `hermes serve (${workers} process${workers > 1 ? 'es' : ''}, POST /api/contact): ${intake.reqPerSec.toFixed(0)} req/s  p50 ${ms(intake.p50Ms)}  p99 ${ms(intake.p99Ms)}  errors ${intake.errors}  non-2xx ${intake.non2xx}`,
  );
  const client = new pg.Client({ connectionString: intakeDb.url });
  await client.connect();
  const stored =
    (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM hermes_leads')).rows[0]?.n ?? 0;
  await client.end();
  const ratio = intake.reqPerSec / base.tps;
  console.log(`stored: ${stored} leads for ${intake.requests} requests answered`);
  console.log(
    `ratio intake ÷ pgbench: ${ratio.toFixed(2)} (reference >= 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'}); intake p99 ${ms(intake.p99Ms)} (reference < 25 ms: ${intake.p99Ms < 25 ? 'met' : 'NOT met'})`,
  );
} finally {
  await pgDb.drop();
  await intakeDb.drop();
}
