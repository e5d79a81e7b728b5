import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { configSchema, type HermesConfig } from '../../src/config/schema.ts';
import type { CustomGateConfig } from '../../src/config/sections/gates.ts';
import { runReadOnlyQuery } from '../../src/gates/custom/run-read-only-query.ts';
import { sqlGate } from '../../src/gates/custom/sql-gate.ts';
import type { StageRun } from '../../src/gates/stage-run-result.ts';
import { insertLeads } from '../delivery/support/insert-leads.ts';
import { runCli } from '../support/run-cli.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { runFakes } from './support/fake-gate.ts';

// A custom SQL gate observes; it never writes, whatever its query says (issue 10).

const wipe = 'COMMIT; DELETE FROM hermes_outbox; DELETE FROM hermes_leads; SELECT 0 AS value';
const writingCte = 'WITH d AS (DELETE FROM hermes_leads RETURNING 1) SELECT count(*) FROM d';
const suffix = randomBytes(4).toString('hex');
const reader = `hermes_gate_reader_${suffix}`;
const writer = `hermes_gate_writer_${suffix}`;

const db = useTestDatabase();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hermes-sql-gate-'));
  await insertLeads(db.pool, 3);
  // Roles are cluster-wide: unique names, dropped after.
  await db.pool.query(`CREATE ROLE ${reader} NOLOGIN`);
  await db.pool.query(`GRANT SELECT ON hermes_leads TO ${reader}`);
  await db.pool.query(`CREATE ROLE ${writer} NOLOGIN`);
  await db.pool.query(`GRANT SELECT, DELETE ON hermes_leads TO ${writer}`);
});

afterAll(async () => {
  await db.pool.query(`DROP OWNED BY ${reader}, ${writer}`);
  await db.pool.query(`DROP ROLE ${reader}, ${writer}`);
  await rm(dir, { recursive: true, force: true });
});

async function counts(): Promise<{ leads: number; outbox: number }> {
  const { rows } = await db.pool.query<{ leads: number; outbox: number }>(
    'SELECT (SELECT count(*) FROM hermes_leads)::int AS leads, (SELECT count(*) FROM hermes_outbox)::int AS outbox',
  );
  return rows[0] ?? { leads: -1, outbox: -1 };
}

/**
 * A gate with `query`, past the config's validation, as if the file had been read by something
 * that does not check it: the run must protect the database on its own.
 */
async function runUnchecked(
  query: string,
  extra: { timeoutMs?: number; role?: string } = {},
): Promise<StageRun> {
  const config: Readonly<HermesConfig> = configSchema.parse({
    gates: {
      ...(extra.role ? { sql: { role: extra.role } } : {}),
      custom: [
        {
          id: 'sql.probe',
          kind: 'sql',
          query: 'SELECT 0 AS value',
          expect: 'value == 0',
          ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
        },
      ],
    },
  });
  const valid = config.gates.custom[0];
  if (valid?.kind !== 'sql') throw new Error('expected the SQL gate');
  const spec: Extract<CustomGateConfig, { kind: 'sql' }> = { ...valid, query };
  return runFakes([sqlGate(spec)], { config, databaseUrl: db.url });
}

describe('hermes gates validate refuses a SQL gate that is not one read-only statement', () => {
  it('exits 2 naming the gate and key of the COMMIT; DELETE ... query', async () => {
    const config = join(dir, 'hermes.yaml');
    await writeFile(
      config,
      stringify({
        gates: {
          custom: [
            {
              id: 'sql.ok',
              kind: 'sql',
              query: 'SELECT count(*) AS value FROM hermes_leads',
              expect: 'value >= 0',
            },
            { id: 'sql.plan', kind: 'sql', query: 'EXPLAIN SELECT 1', expect: 'rows >= 1' },
            { id: 'sql.wipe', kind: 'sql', query: wipe, expect: 'value == 0' },
            { id: 'sql.cte', kind: 'sql', query: writingCte, expect: 'value == 0' },
            { id: 'sql.analyze', kind: 'sql', query: 'EXPLAIN ANALYZE SELECT 1', expect: 'rows >= 1' },
            { id: 'sql.set', kind: 'sql', query: 'SET ROLE postgres', expect: 'rows >= 0' },
          ],
        },
      }),
    );
    const result = await runCli(['gates', 'validate'], {
      env: { DATABASE_URL: db.url, HERMES_CONFIG: config, CI: '1' },
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'gates.custom.2.query: expected one read-only statement, got 4 statements (gate sql.wipe)',
    );
    expect(result.stderr).toContain(
      'gates.custom.3.query: expected one read-only statement, got a WITH that uses DELETE (gate sql.cte)',
    );
    expect(result.stderr).toContain(
      'gates.custom.4.query: expected one read-only statement, got an EXPLAIN that uses ANALYZE',
    );
    expect(result.stderr).toContain('gates.custom.5.query: expected one read-only statement, got SET');
    expect(result.stderr).not.toMatch(/gates\.custom\.[01]\./);
    expect(await counts()).toEqual({ leads: 3, outbox: 3 });
  });
});

describe('a SQL gate run that bypassed validation still writes nothing', () => {
  it('refuses COMMIT; DELETE ...; naming the gate, and deletes no lead or outbox row', async () => {
    const run = await runUnchecked(wipe);
    expect(run.results[0]).toMatchObject({
      status: 'error',
      reason: 'expected one read-only statement, got 4 statements',
    });
    expect(run.results[0]?.summary).toContain('sql.probe');
    expect(await counts()).toEqual({ leads: 3, outbox: 3 });
  });

  it('sends the statement with the extended protocol, which refuses several statements', async () => {
    // Past the splitter too: the protocol itself must refuse the second statement.
    const client = await db.pool.connect();
    try {
      await expect(runReadOnlyQuery(client, { statement: wipe, timeoutMs: 5_000 })).rejects.toThrow(
        /cannot insert multiple commands into a prepared statement/,
      );
    } finally {
      client.release();
    }
    expect(await counts()).toEqual({ leads: 3, outbox: 3 });
  });

  it('a data-modifying WITH is refused by the gate, and stopped by the read-only transaction past it', async () => {
    const run = await runUnchecked(writingCte);
    // The gate's own statement check refuses it before it reaches the database.
    expect(run.results[0]).toMatchObject({
      status: 'error',
      reason: 'expected one read-only statement, got a WITH that uses DELETE',
    });
    expect(await counts()).toEqual({ leads: 3, outbox: 3 });

    const client = await db.pool.connect();
    try {
      await expect(runReadOnlyQuery(client, { statement: writingCte, timeoutMs: 5_000 })).rejects.toThrow(
        /read-only transaction/,
      );
    } finally {
      client.release();
    }
    expect(await counts()).toEqual({ leads: 3, outbox: 3 });
  });

  it('ends a query that runs past the gate timeout with a timeout reason', async () => {
    const started = Date.now();
    const run = await runUnchecked('SELECT pg_sleep(10)', { timeoutMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(run.results[0]?.status).toBe('error');
    expect(run.results[0]?.reason).toMatch(/time(d)? ?out/i);
    // The runner stops waiting at 1 s; statement_timeout must stop the statement in the database too.
    let running = 1;
    while (running > 0 && Date.now() - started < 4_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep(10)%'`,
      );
      running = rows[0]?.n ?? 0;
    }
    expect(running).toBe(0);
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe('gates.sql.role', () => {
  it('runs the query as the configured role', async () => {
    const run = await runUnchecked(
      `SELECT (current_user = '${reader}')::int AS value, current_user AS who, count(*)::int AS leads FROM hermes_leads`,
      { role: reader },
    );
    expect(run.results[0]).toMatchObject({ status: 'fail' });
    // value == 0 is expected by the probe: 1 means current_user was the role.
    expect(run.results[0]?.summary).toContain('value = 1');
    expect(JSON.stringify(run.results[0]?.evidence)).toContain(`"who":"${reader}"`);
  });

  it('is shown by gates explain among the SQL gate settings', () => {
    const config = configSchema.parse({
      gates: {
        sql: { role: reader },
        custom: [{ id: 'sql.x', kind: 'sql', query: 'SELECT 0', expect: 'value == 0' }],
      },
    });
    const spec = config.gates.custom[0];
    if (spec?.kind !== 'sql') throw new Error('expected the SQL gate');
    expect(sqlGate(spec).thresholds?.(config)).toContainEqual(
      expect.objectContaining({ key: 'gates.sql.role', value: reader, source: 'file' }),
    );
    expect(() => configSchema.parse({ gates: { sql: { role: 'x; DROP' } } })).toThrow(/expected a role name/);
  });

  it('refuses a role that can write a managed table, naming the table', async () => {
    const run = await runUnchecked('SELECT 0 AS value', { role: writer });
    expect(run.results[0]).toMatchObject({ status: 'error' });
    expect(run.results[0]?.reason).toBe(
      `gates.sql.role ${writer} can write hermes_leads; a gate role must only read`,
    );
    expect(await counts()).toEqual({ leads: 3, outbox: 3 });
  });
});
