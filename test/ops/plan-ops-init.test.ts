import { describe, expect, it } from 'vitest';
import { loadOpsSteps } from '../../src/ops/ops-schema.ts';
import { planOpsInit } from '../../src/ops/plan-ops-init.ts';
import { opsOwners } from '../../src/ops/project-ops-owners.ts';

const steps = loadOpsSteps();
const empty = { schema: false, tables: [], versionTable: false, applied: [] };

describe('planOpsInit', () => {
  it('creates the schema, its version table and the history tables on a database without them', () => {
    const plan = planOpsInit(empty, steps, []);
    expect(plan.kind).toBe('apply');
    if (plan.kind !== 'apply') return;
    expect(plan.statements.map((s) => s.creates)).toEqual([
      'schema hermes_ops',
      'table hermes_ops.schema_version',
      "table hermes_ops.gate_runs (Hermes's migration 0030_create_hermes_ops_gate_runs)",
      "table hermes_ops.gate_results (Hermes's migration 0031_create_hermes_ops_gate_results)",
    ]);
  });

  it('applies only the versions not yet recorded', () => {
    const plan = planOpsInit(
      { schema: true, tables: ['gate_runs'], versionTable: true, applied: ['0030'] },
      steps,
      [],
    );
    expect(plan.kind === 'apply' && plan.steps.map((s) => s.version)).toEqual(['0031']);
  });

  it('leaves a schema holding some of the tables without a version record untouched', () => {
    const plan = planOpsInit({ ...empty, schema: true, tables: ['gate_runs'] }, steps, []);
    expect(plan).toMatchObject({ kind: 'refused', details: ['hermes_ops.gate_runs exists'] });
  });

  it('names the project’s migrations that mention hermes_ops', () => {
    expect(
      opsOwners([
        { name: '0001_a.up.sql', sql: 'CREATE TABLE customers ()' },
        { name: '0003_b.up.sql', sql: 'CREATE SCHEMA hermes_ops;' },
      ]),
    ).toEqual(['0003_b.up.sql']);
  });
});
