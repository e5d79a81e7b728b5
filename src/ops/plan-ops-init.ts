import type { OpsState } from './read-ops-state.ts';
import { createSchemaSql, createVersionTableSql, opsSchema, opsTables, type OpsStep } from './ops-schema.ts';

/** One statement `ops init` would run, and what it makes. */
export interface OpsStatement {
  readonly creates: string;
  readonly sql: string;
}

export type OpsPlan =
  | { kind: 'apply'; statements: OpsStatement[]; steps: OpsStep[] }
  | { kind: 'nothing'; message: string }
  | { kind: 'refused'; message: string; details: string[] };

/** `hermes_ops.a, hermes_ops.b and hermes_ops.c`. */
const tableNames = opsTables.map((t) => `${opsSchema}.${t}`);
const allTables = `${tableNames.slice(0, -1).join(', ')} and ${tableNames.slice(-1).join('')}`;

const stepStatement = (step: OpsStep): OpsStatement => ({
  creates: `${step.creates} (Hermes's migration ${step.name})`,
  sql: step.sql,
});

/**
 * What `hermes ops init` does on a database in `state`. `owners` are the project's own migrations
 * that mention hermes_ops: a project whose migrations create it (Hermes itself) gets it from
 * `hermes migrate up`, and a schema made here first would make those migrations fail.
 */
export function planOpsInit(state: OpsState, steps: readonly OpsStep[], owners: readonly string[]): OpsPlan {
  if (state.versionTable) {
    const pending = steps.filter((s) => !state.applied.includes(s.version));
    if (pending.length === 0)
      return {
        kind: 'nothing',
        message: `Hermes's ops tables are up to date (${opsSchema}.schema_version: ${state.applied.join(', ')}): nothing to do`,
      };
    return { kind: 'apply', statements: pending.map(stepStatement), steps: pending };
  }
  const present = opsTables.filter((t) => state.tables.includes(t));
  if (present.length === opsTables.length)
    return {
      kind: 'nothing',
      message: `${allTables} already exist, made by this database's own migrations (\`hermes migrate up\`): nothing to do`,
    };
  if (owners.length > 0)
    return {
      kind: 'refused',
      message: `this project's own migrations create ${opsSchema}: run \`hermes migrate up\` instead`,
      details: owners.map((name) => `${name} mentions ${opsSchema}`),
    };
  if (present.length > 0)
    return {
      kind: 'refused',
      message: `${opsSchema} holds some of Hermes's tables but no ${opsSchema}.schema_version: left untouched`,
      details: present.map((t) => `${opsSchema}.${t} exists`),
    };
  return {
    kind: 'apply',
    statements: [
      ...(state.schema ? [] : [{ creates: `schema ${opsSchema}`, sql: createSchemaSql }]),
      { creates: `table ${opsSchema}.schema_version`, sql: createVersionTableSql },
      ...steps.map(stepStatement),
    ],
    steps: [...steps],
  };
}
