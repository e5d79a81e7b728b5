import type { Queryable } from '../../../db/queryable.ts';
import type { Gate, GateStatus, Measurement } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { listSome, measure } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';

// §1.3.2's three queries, as the spec writes them, then the checks its criteria name.
const totalSql = 'SELECT COUNT(*) as total_leads FROM hermes_leads';
const orphanedSql = 'SELECT COUNT(*) as orphaned_records FROM hermes_leads WHERE lead_id IS NULL';
const duplicateEmailsSql = `SELECT COUNT(*) as duplicate_emails FROM (
    SELECT email, COUNT(*) as cnt
    FROM hermes_leads
    GROUP BY email
    HAVING COUNT(*) > 1
) duplicates`;
const duplicateLeadIdsSql = `SELECT lead_id, COUNT(*) AS copies
  FROM hermes_leads
 WHERE lead_id IS NOT NULL
 GROUP BY lead_id
HAVING COUNT(*) > 1
 ORDER BY copies DESC, lead_id
 LIMIT 20`;
const duplicateLeadIdsCountSql = `SELECT COUNT(*) AS duplicate_lead_ids FROM (
  SELECT lead_id FROM hermes_leads WHERE lead_id IS NOT NULL GROUP BY lead_id HAVING COUNT(*) > 1
) duplicates`;
// "Data constraints enforced": a constraint added NOT VALID and never validated does not hold for old rows.
const unvalidatedSql = `SELECT c.conrelid::regclass::text AS table_name, c.conname AS constraint_name
  FROM pg_constraint c
  JOIN pg_namespace n ON n.oid = c.connamespace
 WHERE NOT c.convalidated AND n.nspname NOT IN ('pg_catalog', 'information_schema')
 ORDER BY 1, 2`;
// "Referential integrity maintained": outbox rows whose lead is gone.
const outboxOrphansSql = `SELECT COUNT(*) AS outbox_orphans
  FROM hermes_outbox o
 WHERE NOT EXISTS (SELECT 1 FROM hermes_leads l WHERE l.lead_id = o.lead_id)`;

async function count(db: Queryable, sql: string): Promise<number> {
  const { rows } = await db.query<Record<string, unknown>>(sql);
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

async function tableExists(db: Queryable, name: string): Promise<boolean> {
  const { rows } = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    name,
  ]);
  return rows[0]?.exists ?? false;
}

export const integrityGate: Gate = {
  id: 'db.integrity',
  stage: 'pre-deploy',
  title: 'Data integrity',
  description:
    "Runs the spec's data-consistency queries on the configured database: no orphaned records (lead_id NULL), no duplicate lead_ids, every constraint validated, no outbox row without its lead. Duplicate emails are counted and judged by the configured policy (a returning customer is legitimate).",
  spec: '§1.3.2',
  dependsOn: ['db.migrations.applied'],
  timeoutMs: 120_000,
  thresholds: (config) =>
    describeThresholds(config, 'db', 'integrity', {
      duplicateEmails: 'duplicate emails: report (measurement only), warn or fail',
    }),
  run: (ctx) =>
    withGateDatabase(ctx, 'check data integrity', async (db) => {
      const policy = gateThresholds(ctx.config).db.integrity.duplicateEmails;
      const pool = db.pool;
      const total = await count(pool, totalSql);
      const orphaned = await count(pool, orphanedSql);
      const duplicateEmails = await count(pool, duplicateEmailsSql);
      const duplicateLeadIds = await count(pool, duplicateLeadIdsCountSql);
      const unvalidated = (await pool.query<{ table_name: string; constraint_name: string }>(unvalidatedSql))
        .rows;
      const outboxOrphans = (await tableExists(pool, 'hermes_outbox'))
        ? await count(pool, outboxOrphansSql)
        : 0;

      const measurements: Measurement[] = [
        measure('total_leads', total, 'count'),
        measure('orphaned_records', orphaned, 'count', 0, '=='),
        measure('duplicate_lead_ids', duplicateLeadIds, 'count', 0, '=='),
        policy === 'report'
          ? measure('duplicate_emails', duplicateEmails, 'count')
          : measure('duplicate_emails', duplicateEmails, 'count', 0, '=='),
        measure('unvalidated constraints', unvalidated.length, 'count', 0, '=='),
        measure('outbox rows without a lead', outboxOrphans, 'count', 0, '=='),
      ];
      const failures = [
        ...(orphaned > 0 ? [`${orphaned} orphaned records (lead_id IS NULL)`] : []),
        ...(duplicateLeadIds > 0 ? [`${duplicateLeadIds} duplicate lead_ids`] : []),
        ...unvalidated.map((c) => `constraint ${c.constraint_name} on ${c.table_name} not validated`),
        ...(outboxOrphans > 0 ? [`${outboxOrphans} outbox rows without a lead`] : []),
      ];
      const emailProblem =
        policy !== 'report' && duplicateEmails > 0 ? [`${duplicateEmails} duplicate emails`] : [];
      const evidence =
        duplicateLeadIds > 0
          ? [
              {
                kind: 'rows' as const,
                title: 'duplicate lead_ids (first 20)',
                content: (await pool.query(duplicateLeadIdsSql)).rows.map((r: Record<string, unknown>) => ({
                  ...r,
                })),
              },
            ]
          : [];
      let status: GateStatus = 'pass';
      if (failures.length > 0 || (policy === 'fail' && emailProblem.length > 0)) status = 'fail';
      else if (emailProblem.length > 0) status = 'warn';
      const problems = [...failures, ...emailProblem];
      return {
        status,
        summary:
          problems.length > 0
            ? listSome(problems)
            : `${total} leads: no orphaned records, no duplicate lead_ids, ${duplicateEmails} duplicate emails`,
        measurements,
        evidence,
      };
    }),
};
