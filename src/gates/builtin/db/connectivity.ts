import { randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { PoolClient } from 'pg';
import type { Queryable } from '../../../db/queryable.ts';
import { HermesError } from '../../../errors/hermes-error.ts';
import type { Environment } from '../../../config/sections/environment.ts';
import type { Evidence, Gate, GateStatus, Measurement } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { quoteQualifiedName, relationExists } from './record-table.ts';
import { measure } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';

// §3.1.2's deployment-test row: written and read back inside a transaction that is rolled back.
const insertProbeSql = `INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number,
                          problem_description, service_urgency, agree_to_terms, privacy_consent, source)
VALUES ($1, 'Test', 'User', 'test@deployment.com', 'United Kingdom', '+44 7700 900000',
        'Deployment test', 'not-urgent', TRUE, TRUE, 'deployment-test')
RETURNING id`;
const readProbeSql = 'SELECT lead_id FROM hermes_leads WHERE id = $1';
const sslSql = 'SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()';

interface SslState {
  ssl: boolean;
  version: string | null;
}

async function readSsl(db: Queryable): Promise<SslState> {
  try {
    const { rows } = await db.query<{ ssl: boolean; version: string | null }>(sslSql);
    return { ssl: rows[0]?.ssl ?? false, version: rows[0]?.version ?? null };
  } catch {
    // A server without pg_stat_ssl (the embedded database) has no SSL to report.
    return { ssl: false, version: null };
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The host a connection string reaches: 127.0.0.0/8, ::1, localhost or a Unix socket is this machine. */
export function isLoopbackUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // libpq's `?host=/run/postgresql` (a socket directory) overrides the URL's host.
  const named = parsed.searchParams.get('host') ?? parsed.hostname;
  // `postgresql://%2Frun%2Fpostgresql/db`: a socket directory as the URL's host, %-encoded.
  const host = safeDecode(named)
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return (
    host.startsWith('/') ||
    host === 'localhost' ||
    host === '::1' ||
    (isIPv4(host) && host.startsWith('127.'))
  );
}

export interface SslJudgement {
  status: GateStatus;
  /** The summary's SSL part: `SSL (TLSv1.3)`, `no SSL (fine here: ...)`, `no SSL: SSL is required in ...`. */
  note: string;
  measurement: Measurement;
  evidence?: Evidence;
}

/** Why a connection without SSL needs no warning here, or null when it does. */
function whyNoSslIsFine(facts: {
  environment: Environment;
  embedded: boolean;
  loopback: boolean;
}): { short: string; why: string } | null {
  if (facts.embedded)
    return {
      short: 'fine here: the embedded database',
      why: 'the embedded database is reached on this machine only',
    };
  if (facts.loopback)
    return {
      short: 'fine here: the database is on this machine',
      why: 'the connection does not leave this machine',
    };
  const { environment } = facts;
  if (environment === 'development' || environment === 'test')
    return {
      short: `fine in ${environment}`,
      why: `${environment} is not an environment where real leads travel (staging, production)`,
    };
  return null;
}

/**
 * What a connection with or without SSL means here. Where requireSslIn names the environment,
 * none fails. Otherwise none is fine in development and test, and for the embedded or a loopback
 * database (nothing crosses a network): a note, not a warning, since warnings that are noise
 * teach people to ignore warnings. Elsewhere (staging, production not in requireSslIn) it warns.
 * The measurement carries a verdict only where SSL is required, so it never contradicts the status.
 */
export function judgeSsl(facts: {
  ssl: SslState;
  environment: Environment;
  requireSslIn: readonly Environment[];
  embedded: boolean;
  loopback: boolean;
}): SslJudgement {
  const { ssl, environment } = facts;
  const required = facts.requireSslIn.includes(environment);
  const measurement = required
    ? measure('ssl', ssl.ssl ? 1 : 0, 'bool', 1, '==')
    : measure('ssl', ssl.ssl ? 1 : 0, 'bool');
  if (ssl.ssl) return { status: 'pass', note: `SSL (${ssl.version ?? 'version unknown'})`, measurement };
  if (required) return { status: 'fail', note: `no SSL: SSL is required in ${environment}`, measurement };
  const fine = whyNoSslIsFine(facts);
  if (fine === null)
    return { status: 'warn', note: `no SSL: SSL is expected in ${environment}`, measurement };
  const where = facts.requireSslIn.length > 0 ? facts.requireSslIn.join(', ') : 'no environment';
  return {
    status: 'pass',
    note: `no SSL (${fine.short})`,
    measurement,
    evidence: {
      kind: 'text',
      title: 'SSL',
      content: `The connection does not use SSL, which is fine here: ${fine.why}. SSL is required in ${where} (gates.thresholds.db.connectivity.requireSslIn); in staging or production, a remote database without it warns.`,
    },
  };
}

/** What the probe writes to: the spec's lead in Hermes's own table, else a temporary table. */
export type ProbeTarget = { kind: 'lead' } | { kind: 'temporary'; records: string; recordsExist: boolean };

/**
 * §3.1.2's deployment-test lead only goes into Hermes's own hermes_leads (its columns are the
 * spec's); any other records table gets no made-up row: the write is checked on a temporary
 * table and the project's table is only read.
 */
export function probeTarget(recordsTable: string, recordsExist: boolean): ProbeTarget {
  return recordsTable === 'hermes_leads' && recordsExist
    ? { kind: 'lead' }
    : { kind: 'temporary', records: recordsTable, recordsExist };
}

/** The summary's "read/write verified on …" part. */
export function describeProbe(target: ProbeTarget): string {
  if (target.kind === 'lead') return 'hermes_leads';
  return target.recordsExist
    ? `a temporary table, ${target.records} read`
    : `a temporary table (${target.records} does not exist yet)`;
}

/** Writes and reads a row in a transaction that is always rolled back; says what it wrote to. */
async function probeReadWrite(client: PoolClient, recordsTable: string): Promise<string> {
  const table = quoteQualifiedName(recordsTable);
  const target = probeTarget(recordsTable, await relationExists(client, table));
  await client.query('BEGIN');
  try {
    if (target.kind === 'lead') {
      const leadId = `DEPLOYMENT-TEST-${randomBytes(4).toString('hex').toUpperCase()}`;
      const inserted = await client.query<{ id: number }>(insertProbeSql, [leadId]);
      const read = await client.query<{ lead_id: string }>(readProbeSql, [inserted.rows[0]?.id]);
      if (read.rows[0]?.lead_id !== leadId)
        throw new HermesError('gate_probe_mismatch', 'the row written was not read back');
      return describeProbe(target);
    }
    await client.query('CREATE TEMP TABLE hermes_connectivity_probe (v int) ON COMMIT DROP');
    await client.query('INSERT INTO hermes_connectivity_probe VALUES (1)');
    const read = await client.query<{ v: number }>('SELECT v FROM hermes_connectivity_probe');
    if (read.rows[0]?.v !== 1)
      throw new HermesError('gate_probe_mismatch', 'the row written was not read back');
    // A quoted identifier: the one splice a table name allows.
    if (target.recordsExist) await client.query(`SELECT 1 FROM ${table} LIMIT 1`);
    return describeProbe(target);
  } finally {
    await client.query('ROLLBACK');
  }
}

export const connectivityGate: Gate = {
  id: 'db.connectivity',
  stage: 'pre-deploy',
  title: 'Database connectivity',
  description:
    'Connects to the configured database, checks out several pooled connections at once, writes and reads a deployment-test lead in a transaction that is rolled back (on another project: a temporary table, and reads db.records.table), and reads pg_stat_ssl: SSL is required in the environments listed in requireSslIn (fail); without it, development, test, the embedded database and a loopback database pass with a note, and anywhere else warns.',
  spec: '§1.4.2',
  timeoutMs: 60_000,
  thresholds: (config) =>
    describeThresholds(config, 'db', 'connectivity', {
      requireSslIn: 'environments where a connection without SSL fails the gate',
    }),
  run: (ctx) =>
    withGateDatabase(ctx, 'connect to the database', async (db) => {
      const { requireSslIn } = gateThresholds(ctx.config).db.connectivity;
      const started = performance.now();
      const first = await db.pool.connect();
      const connectMs = performance.now() - started;
      let wroteTo: string;
      let ssl: SslState;
      try {
        wroteTo = await probeReadWrite(first, gateThresholds(ctx.config).db.records.table);
        ssl = await readSsl(first);
      } finally {
        first.release();
      }
      // Several connections at once: the pool must hand each out and take each back.
      const concurrent = Math.min(3, ctx.config.database.poolMax);
      const clients = await Promise.all(Array.from({ length: concurrent }, () => db.pool.connect()));
      try {
        await Promise.all(clients.map((c) => c.query('SELECT 1')));
      } finally {
        for (const c of clients) c.release();
      }
      const waiting = db.pool.waitingCount;
      const judged = judgeSsl({
        ssl,
        environment: ctx.config.environment,
        requireSslIn,
        embedded: db.embedded,
        loopback: isLoopbackUrl(db.url),
      });
      const measurements = [
        measure('connect time', Math.round(connectMs), 'ms'),
        measure('concurrent connections checked', concurrent, 'count'),
        measure('clients waiting for a connection', waiting, 'count', 0, '=='),
        judged.measurement,
      ];
      const evidence = judged.evidence ? [judged.evidence] : [];
      if (waiting > 0)
        return {
          status: 'fail',
          summary: `${waiting} clients waiting for a connection: the pool is exhausted`,
          measurements,
          evidence,
        };
      return {
        status: judged.status,
        summary: `connected${db.embedded ? ' (embedded)' : ''}, pool healthy, read/write verified on ${wroteTo} and rolled back, ${judged.note}`,
        measurements,
        evidence,
      };
    }),
};
