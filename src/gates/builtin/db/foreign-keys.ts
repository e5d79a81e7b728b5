import type { Queryable } from '../../../db/queryable.ts';
import type { Gate } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { withMigratedScratch } from '../support/migrated-scratch.ts';
import { listSome, measure, plural } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';

interface ForeignKeyRow {
  constraint_name: string;
  table_name: string;
  referenced_table: string;
  columns: string[];
  validated: boolean;
  indexed: boolean;
}

/**
 * Every foreign key of the user schemas, whether it is validated, and whether a non-partial index
 * starts with exactly its referencing columns (what a DELETE on the parent and a join need).
 */
const foreignKeysSql = `
SELECT c.conname AS constraint_name,
       c.conrelid::regclass::text AS table_name,
       c.confrelid::regclass::text AS referenced_table,
       ARRAY(SELECT a.attname::text
               FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS columns,
       c.convalidated AS validated,
       EXISTS (
         SELECT 1
           FROM pg_index i
          WHERE i.indrelid = c.conrelid
            AND i.indpred IS NULL
            AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
            AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey
       ) AS indexed
  FROM pg_constraint c
  JOIN pg_namespace n ON n.oid = c.connamespace
 WHERE c.contype = 'f'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
 ORDER BY 2, 1`;

export async function readForeignKeys(db: Queryable): Promise<ForeignKeyRow[]> {
  return (await db.query<ForeignKeyRow>(foreignKeysSql)).rows;
}

export const foreignKeysGate: Gate = {
  id: 'db.schema.foreign-keys',
  stage: 'pre-deploy',
  title: 'Foreign keys valid and indexed',
  description:
    "On a scratch database migrated to the code's newest migration: every foreign key is validated (no NOT VALID left behind) and its referencing columns lead a non-partial index.",
  spec: '§1.1.3',
  timeoutMs: 120_000,
  thresholds: (config) =>
    describeThresholds(config, 'db', 'foreignKeys', {
      requireIndex: 'whether an unindexed foreign key fails the gate (else warns)',
    }),
  run: (ctx) =>
    withGateDatabase(ctx, 'inspect the foreign keys', async (db) => {
      const { requireIndex } = gateThresholds(ctx.config).db.foreignKeys;
      const keys = await withMigratedScratch(ctx, db, (pool) => readForeignKeys(pool));
      const label = (k: ForeignKeyRow) => `${k.table_name}(${k.columns.join(', ')}) → ${k.referenced_table}`;
      const notValidated = keys.filter((k) => !k.validated);
      const unindexed = keys.filter((k) => !k.indexed);
      const measurements = [
        measure('foreign keys', keys.length, 'count'),
        measure('not validated', notValidated.length, 'count', 0, '=='),
        measure('without index', unindexed.length, 'count', 0, '=='),
      ];
      const evidence = [
        { kind: 'rows' as const, title: 'foreign keys', content: keys.map((k) => ({ ...k })) },
      ];
      const problems = [
        ...notValidated.map((k) => `${k.constraint_name} not validated`),
        ...unindexed.map((k) => `no index on ${label(k)}`),
      ];
      if (problems.length === 0) {
        return {
          status: 'pass',
          summary: `${plural(keys.length, 'foreign key')}, all validated and indexed`,
          measurements,
          evidence,
        };
      }
      const fails = notValidated.length > 0 || requireIndex;
      return { status: fails ? 'fail' : 'warn', summary: listSome(problems), measurements, evidence };
    }),
};
