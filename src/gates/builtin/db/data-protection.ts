import type { HermesConfig } from '../../../config/schema.ts';
import type { Queryable } from '../../../db/queryable.ts';
import { resolveDataKeys } from '../../../leads/encryption/resolve-data-keys.ts';
import type { Evidence, Gate, GateOutcome, Measurement } from '../../gate.ts';
import { noDataOutcome } from '../../no-data.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { withReadOnlyTransaction } from '../support/live-read-only.ts';
import { listSome, measure, plural, skipOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { consentSql, lackingConsentSql, missingConsentAtSql } from './consent-queries.ts';
import { encryptionVerdict, readEncryptionFacts, type EncryptionVerdict } from './encryption-check.ts';
import { isOwnLeadsTable, ownLeadsTable } from './own-leads.ts';
import { relationExists } from './record-table.ts';
import { accessVerdict, judgeAccessControl } from './service-role/access-control.ts';
import { withCriterion } from './criterion-verdict.ts';

const dataProtectionId = 'db.data-protection';

export interface ConsentCounts {
  total: number;
  consented: number;
  gdprCompliant: number;
  missingConsentAt: number;
}

export interface LackingRecord {
  lead_id: string | null;
  lacking: string;
}

/** "All records have proper consent flags", "GDPR compliance maintained": each shortfall, counted. */
export function consentProblems(counts: ConsentCounts): string[] {
  const shortfalls: [number, string][] = [
    [counts.total - counts.consented, 'without privacy_consent'],
    [counts.total - counts.gdprCompliant, 'not gdpr_compliant'],
    [counts.missingConsentAt, 'without consent_at'],
  ];
  return shortfalls.filter(([n]) => n > 0).map(([n, what]) => `${plural(n, 'record')} ${what}`);
}

function measurementsOf(counts: ConsentCounts): Measurement[] {
  return [
    measure('total_records', counts.total, 'count'),
    measure('consented_records', counts.consented, 'count', counts.total, '=='),
    measure('gdpr_compliant', counts.gdprCompliant, 'count', counts.total, '=='),
    measure('records without consent_at', counts.missingConsentAt, 'count', 0, '=='),
  ];
}

/** The outcome once counted: `lacking` (the first records named, and how many in all) only on failure. */
export function consentOutcome(
  counts: ConsentCounts,
  lacking: { listed: readonly LackingRecord[]; total: number },
  noData: () => GateOutcome,
  encryption?: EncryptionVerdict,
): GateOutcome {
  return withCriterion(consentOnly(counts, lacking, noData), encryption);
}

function consentOnly(
  counts: ConsentCounts,
  lacking: { listed: readonly LackingRecord[]; total: number },
  noData: () => GateOutcome,
): GateOutcome {
  const measurements = measurementsOf(counts);
  if (counts.total === 0) return { ...noData(), measurements };
  const problems = consentProblems(counts);
  if (problems.length === 0)
    return {
      status: 'pass',
      summary: `consent flags: ${counts.consented} of ${plural(counts.total, 'record')} consented and gdpr_compliant, consent_at set`,
      measurements,
    };
  const shown = lacking.listed.slice(0, 3).map((r) => r.lead_id ?? '(no lead_id)');
  const more = lacking.total - shown.length;
  // The listing is a later statement than the counts: a record fixed in between is not named.
  const named = shown.length === 0 ? '' : `: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  const evidence: Evidence = {
    kind: 'rows',
    title: `records lacking a consent flag (first ${lacking.listed.length} of ${lacking.total}: lead_id and flags only)`,
    content: lacking.listed.map((r) => ({ lead_id: r.lead_id, lacking: r.lacking })),
  };
  return {
    status: 'fail',
    summary: `${listSome(problems)}${named}`,
    measurements,
    evidence: [evidence],
  };
}

async function countConsent(db: Queryable): Promise<ConsentCounts> {
  const { rows } = await db.query<Record<string, unknown>>(consentSql);
  const missing = await db.query<{ missing_consent_at: unknown }>(missingConsentAtSql);
  const row = rows[0] ?? {};
  return {
    total: Number(row.total_records ?? 0),
    consented: Number(row.consented_records ?? 0),
    gdprCompliant: Number(row.gdpr_compliant ?? 0),
    missingConsentAt: Number(missing.rows[0]?.missing_consent_at ?? 0),
  };
}

async function findLacking(db: Queryable, max: number): Promise<{ listed: LackingRecord[]; total: number }> {
  const { rows } = await db.query<LackingRecord & { lacking_total: unknown }>(lackingConsentSql, [max]);
  return {
    listed: rows.map((r) => ({ lead_id: r.lead_id, lacking: r.lacking })),
    total: Number(rows[0]?.lacking_total ?? 0),
  };
}

async function judgeConsent(
  config: Readonly<HermesConfig>,
  db: Queryable,
  maxListed: number,
): Promise<GateOutcome> {
  const counts = await countConsent(db);
  const lacking =
    consentProblems(counts).length > 0 ? await findLacking(db, maxListed) : { listed: [], total: 0 };
  const encryption = encryptionVerdict(await readEncryptionFacts(db, maxListed), {
    development: resolveDataKeys(config).development,
    environment: config.environment,
  });
  return consentOutcome(
    counts,
    lacking,
    () => noDataOutcome(config, dataProtectionId, `${ownLeadsTable} has no rows: no consent flag to judge`),
    encryption,
  );
}

export const dataProtectionGate: Gate = {
  id: dataProtectionId,
  stage: 'post-deploy',
  title: 'Data protection',
  description:
    "Runs §3.3.2's consent query as the spec writes it (total_records, consented_records, gdpr_compliant) on Hermes's hermes_leads, read-only: every record, erased ones included (erasure keeps the flags), must have privacy_consent and gdpr_compliant true and a consent_at (NOT NULL in the schema); a record without them fails, named by lead_id (never an email or a name). Data encryption active: every non-empty phone_number and problem_description is an encrypted value (hermes:enc:v1:<key id>:...), a record with a plaintext one fails, named by lead_id (never the value; db.smoke's DEPLOYMENT-TEST-001 is not judged); the configured data key (HERMES_DATA_KEY) is not the published development key, and no value is under it: a failure in production, a warning elsewhere. Access controls enforced: the role the service connects as (found from its sessions in pg_stat_activity by application_name hermes-serve, hermes-worker or hermes-delivery-listen; else `serviceRole`; else this connection's) has no DDL (CREATE on the database or its schemas), no TRUNCATE, REFERENCES or TRIGGER, no right on hermes_ops it does not use (the gate history, the ledger), and PUBLIC holds no right on Hermes's tables: each a failure, named; a service connecting as the owner or a superuser warns outside production and fails in it; rights it uses and lacks warn. An empty table is no data (gates.noData); skips on another project's table of records.",
  spec: '§3.3.2',
  timeoutMs: 120_000,
  thresholds: (config) =>
    describeThresholds(config, 'db', 'dataProtection', {
      statementTimeoutMs: 'statement_timeout of the read-only consent queries on the live database (ms)',
      maxListed:
        'how many lead_ids without a consent flag, and how many with a plaintext value, the outcome names',
      serviceRole:
        "the role the service connects as, when its sessions cannot be seen (null: the service's sessions, else this connection's role)",
    }),
  run: (ctx) =>
    withGateDatabase(ctx, 'check data protection', async (db) => {
      const thresholds = gateThresholds(ctx.config).db;
      const { table } = thresholds.records;
      // §3.3.2's columns are Hermes's: another project's records have no consent flags to read.
      if (!isOwnLeadsTable(table))
        return skipOutcome(
          `the records table is ${table}, not ${ownLeadsTable}: no consent flags to judge`,
          `${dataProtectionId} runs §3.3.2's query on Hermes's own ${ownLeadsTable} (gates.thresholds.db.records.table is ${table}); a custom sql gate can judge this project's consent columns`,
        );
      const { statementTimeoutMs, maxListed, serviceRole } = thresholds.dataProtection;
      return withReadOnlyTransaction(db.pool, statementTimeoutMs, async (client) => {
        if (!(await relationExists(client, ownLeadsTable)))
          return skipOutcome(
            `no table ${ownLeadsTable} on the configured database: nothing to judge`,
            `${dataProtectionId} reads Hermes's ${ownLeadsTable}, which the configured database does not have (not migrated, or another project's database)`,
          );
        const consent = await judgeConsent(ctx.config, client, maxListed);
        return withCriterion(
          consent,
          accessVerdict(await judgeAccessControl(client, ctx.config, serviceRole)),
        );
      });
    }),
};
