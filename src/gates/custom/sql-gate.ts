import type { CustomGateConfig } from '../../config/sections/gates.ts';
import { toDatabaseError } from '../../db/database-error.ts';
import { isHermesError } from '../../errors/hermes-error.ts';
import type { Gate, GateOutcome, ThresholdInfo } from '../gate.ts';
import { gatePolicy } from '../gate-policy.ts';
import { noDataOutcome } from '../no-data.ts';
import { customGateHead, customThresholds } from './custom-gate-fields.ts';
import { evaluateExpectation } from './evaluate-expectation.ts';
import { checkReadOnlyStatement } from '../../config/read-only-statement.ts';
import { runReadOnlyQuery } from './run-read-only-query.ts';

type SqlGateConfig = Extract<CustomGateConfig, { kind: 'sql' }>;

const shownRows = 20;

/** A team's SQL query as a gate, judged by its expectation (e.g. `value == 0`). */
export function sqlGate(spec: SqlGateConfig): Gate {
  const gate: Gate = {
    ...customGateHead(
      spec,
      `SQL: ${spec.expect.text}`,
      `Runs a read-only query and expects ${spec.expect.text}.`,
    ),
    thresholds: (config): ThresholdInfo[] => [
      ...customThresholds(
        spec.id,
        spec.expect.terms.map((term) => ({
          key: 'expect',
          value: `${term.name} ${term.comparison} ${term.value}`,
          description: `${term.name === 'rows' ? 'the row count' : term.name === 'value' ? 'the first column of the first row' : `column ${term.name}`} must be ${term.comparison} ${term.value}`,
        })),
      ),
      {
        key: 'gates.sql.role',
        value: config.gates.sql.role ?? null,
        source: config.gates.sql.role === undefined ? 'default' : 'file',
        description: "the role the query runs as (SET LOCAL ROLE); null: the connection's own user",
      },
    ],
    async run(ctx): Promise<GateOutcome> {
      // Checked again here: a config built without the schema (or edited since) must not write.
      const checked = checkReadOnlyStatement(spec.query);
      if (!checked.ok)
        return {
          status: 'error',
          summary: `the query of ${spec.id} was refused: ${checked.problem}`,
          reason: checked.problem,
        };
      let rows: Record<string, unknown>[];
      let firstColumn: string | undefined;
      try {
        const db = await ctx.database();
        const client = await db.pool.connect();
        let failed: Error | undefined;
        try {
          const result = await runReadOnlyQuery(client, {
            statement: checked.statement,
            timeoutMs: gatePolicy(ctx.config, gate).timeoutMs,
            role: ctx.config.gates.sql.role,
          });
          rows = result.rows;
          firstColumn = result.fields[0]?.name;
        } catch (error) {
          failed = error instanceof Error ? error : new Error(String(error));
          throw error;
        } finally {
          // A connection whose query failed is not reused: it may be mid-transaction or broken.
          client.release(failed);
        }
      } catch (error) {
        const reason = isHermesError(error) ? error.message : toDatabaseError(error, 'query failed').message;
        return { status: 'error', summary: `the query of ${spec.id} could not run: ${reason}`, reason };
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
