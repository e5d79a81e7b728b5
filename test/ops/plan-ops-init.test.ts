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
      "table hermes_ops.deployments (Hermes's migration 0040_create_hermes_ops_deployments)",
      "columns hermes_ops.gate_runs.deployment_id and git_commit (Hermes's migration 0041_add_hermes_ops_gate_runs_deployment)",
    ]);
  });

  it('applies only the versions not yet recorded', () => {
    const plan = planOpsInit(
      { schema: true, tables: ['gate_runs'], versionTable: true, applied: ['0030'] },
      steps,
      [],
    );
    expect(plan.kind === 'apply' && plan.steps.map((s) => s.version)).toEqual(['0031', '0040', '0041']);
  });

  it('brings a project that ops init made before the deployments ledger up to date: only 0040 and 0041', () => {
    const plan = planOpsInit(
      { schema: true, tables: ['gate_results', 'gate_runs'], versionTable: true, applied: ['0030', '0031'] },
      steps,
      [],
    );
    expect(plan.kind === 'apply' && plan.statements.map((s) => s.creates)).toEqual([
      "table hermes_ops.deployments (Hermes's migration 0040_create_hermes_ops_deployments)",
      "columns hermes_ops.gate_runs.deployment_id and git_commit (Hermes's migration 0041_add_hermes_ops_gate_runs_deployment)",
    ]);
  });

  it('does nothing where the database’s own migrations made every table, and says which', () => {
    const plan = planOpsInit(
      {
        schema: true,
        tables: ['deployments', 'gate_results', 'gate_runs'],
        versionTable: false,
        applied: [],
      },
      steps,
      ['0003_create_hermes_ops_schema.up.sql'],
    );
    expect(plan).toEqual({
      kind: 'nothing',
      message:
        "hermes_ops.gate_runs, hermes_ops.gate_results and hermes_ops.deployments already exist, made by this database's own migrations (`hermes migrate up`): nothing to do",
    });
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
