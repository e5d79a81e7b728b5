import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { customGates } from '../../src/gates/custom/custom-gates.ts';
import { sqlGate } from '../../src/gates/custom/sql-gate.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { runFakes } from './support/fake-gate.ts';

const db = useTestDatabase();

describe('custom SQL gate', () => {
  it('observes only: a query that writes is refused and changes nothing', async () => {
    const insert =
      "INSERT INTO hermes_ops.audit_log (actor, action, outcome) VALUES ('gate', 'write', 'ok') RETURNING 1";
    const gate = { id: 'sql.sneaky', kind: 'sql', query: insert, expect: 'value == 1' };
    // Refused when the config is loaded, naming the key...
    expect(() => configSchema.parse({ gates: { custom: [gate] } })).toThrow(
      /expected one read-only statement, got INSERT/,
    );
    // ...and again when a gate built past the config runs.
    const config = configSchema.parse({ gates: { custom: [{ ...gate, query: 'SELECT 1' }] } });
    const valid = config.gates.custom[0];
    if (valid?.kind !== 'sql') throw new Error('expected the SQL gate');
    const run = await runFakes([sqlGate({ ...valid, query: insert })], { config, databaseUrl: db.url });
    expect(run.results[0]).toMatchObject({ status: 'error' });
    expect(run.results[0]?.reason).toMatch(/expected one read-only statement, got INSERT/);
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM hermes_ops.audit_log',
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('names a column the expectation refers to that the query does not return', async () => {
    const config = configSchema.parse({
      gates: { custom: [{ id: 'sql.typo', kind: 'sql', query: 'SELECT 1 AS total', expect: 'totl == 1' }] },
    });
    const run = await runFakes(customGates(config), { config, databaseUrl: db.url });
    expect(run.results[0]).toMatchObject({
      status: 'error',
      reason: 'no column totl in the result (columns: total)',
    });
  });
});
