import type { CustomGateConfig } from '../../config/sections/gates.ts';
import { toDatabaseError } from '../../db/database-error.ts';
import { isHermesError } from '../../errors/hermes-error.ts';
import type { Gate, GateOutcome } from '../gate.ts';
import { gatePolicy } from '../gate-policy.ts';
import { noDataOutcome } from '../no-data.ts';
import { evaluateExpectation } from './evaluate-expectation.ts';

type SqlGateConfig = Extract<CustomGateConfig, { kind: 'sql' }>;

const shownRows = 20;

/** A team's SQL query as a gate, judged by its expectation (e.g. `value == 0`). */
export function sqlGate(spec: SqlGateConfig): Gate {
  const gate: Gate = {
    id: spec.id,
    stage: spec.stage,
    title: spec.title ?? `SQL: ${spec.expect.text}`,
    description: spec.description ?? `Runs a read-only query and expects ${spec.expect.text}.`,
    dependsOn: spec.dependsOn,
    ...(spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {}),
    thresholds: () =>
      spec.expect.terms.map((term) => ({
        key: `gates.custom[${spec.id}].expect`,
        value: `${term.name} ${term.comparison} ${term.value}`,
        source: 'file',
        description: `${term.name === 'rows' ? 'the row count' : term.name === 'value' ? 'the first column of the first row' : `column ${term.name}`} must be ${term.comparison} ${term.value}`,
      })),
    async run(ctx): Promise<GateOutcome> {
      let rows: Record<string, unknown>[];
      let firstColumn: string | undefined;
      try {
        const db = await ctx.database();
        const client = await db.pool.connect();
        try {
          // Read-only and rolled back: a gate observes, it never changes the database.
          await client.query('BEGIN READ ONLY');
          await client.query(`SELECT set_config('statement_timeout', $1, true)`, [
            String(gatePolicy(ctx.config, gate).timeoutMs),
          ]);
          const result = await client.query<Record<string, unknown>>(spec.query);
          rows = result.rows;
          firstColumn = result.fields[0]?.name;
        } finally {
          await client.query('ROLLBACK').catch(() => undefined);
          client.release();
        }
      } catch (error) {
        const reason = isHermesError(error) ? error.message : toDatabaseError(error, 'query failed').message;
        return { status: 'error', summary: `the query could not run: ${reason}`, reason };
      }
      const evidence = [
        { kind: 'rows' as const, title: `first ${shownRows} rows`, content: rows.slice(0, shownRows) },
      ];
      const judged = evaluateExpectation(spec.expect, rows, firstColumn);
      if (judged.kind === 'no-data') return { ...noDataOutcome(ctx.config, spec.id, judged.what), evidence };
      if (judged.kind === 'invalid')
        return {
          status: 'error',
          summary: `cannot judge ${spec.expect.text}: ${judged.problem}`,
          reason: judged.problem,
          evidence,
        };
      const found = judged.measurements.map((m) => `${m.name} = ${m.value}`).join(', ');
      if (judged.failed.length > 0)
        return {
          status: 'fail',
          summary: `expected ${spec.expect.text}, got ${found}`,
          measurements: judged.measurements,
          evidence,
        };
      return {
        status: 'pass',
        summary: `${found} (${spec.expect.text})`,
        measurements: judged.measurements,
        evidence,
      };
    },
  };
  return gate;
}
