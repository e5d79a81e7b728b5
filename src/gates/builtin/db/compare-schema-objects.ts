import type { SchemaObject } from '../../../migrations/schema-snapshot.ts';
import { parseColumnDefinition, type ColumnDefinition } from './snapshot-columns.ts';

/**
 * Compares two schema snapshots object by object (takeSchemaObjects' rows): the schema the
 * migrations make and the one a database holds. Objects are matched by kind and name, so a
 * changed definition reads as one object that differs, not as a line removed and another added.
 */

export type DriftKind = 'missing' | 'unexpected' | 'differs';

export interface Drift {
  kind: DriftKind;
  /** `index hermes_leads_email_idx`, `column hermes_leads.email`, `table hermes_scratch`. */
  object: string;
  /** takeSchemaObjects' kind and name: `relation`, `public.hermes_scratch`. */
  objectKind: string;
  name: string;
  /** The table a column, constraint, index or trigger belongs to (`public.hermes_leads`). */
  table?: string;
  /** For `differs`: what changed (`NOT NULL removed`, `definition differs`). */
  change?: string;
  expected?: string;
  actual?: string;
}

export interface SchemaComparison {
  matched: number;
  drift: Drift[];
}

const relationKinds: Record<string, string> = {
  r: 'table',
  p: 'table',
  v: 'view',
  m: 'materialized view',
  S: 'sequence',
  f: 'foreign table',
};

function identity(object: SchemaObject): string {
  return `${object.kind}\u0000${object.owner}\u0000${object.name}`;
}

/** Names read as people write them: `public.` is the default schema, so it is left out. */
function unqualified(name: string): string {
  return name.startsWith('public.') ? name.slice('public.'.length) : name;
}

function tableOf(object: SchemaObject): string | undefined {
  if (object.kind === 'column') return object.name.slice(0, object.name.lastIndexOf('.'));
  return object.owner === '' ? undefined : object.owner;
}

function describe(object: SchemaObject): Pick<Drift, 'object' | 'objectKind' | 'name' | 'table'> {
  const table = tableOf(object);
  return {
    object: label(object),
    objectKind: object.kind,
    name: object.name,
    ...(table === undefined ? {} : { table }),
  };
}

function label(object: SchemaObject): string {
  const kind =
    object.kind === 'relation' ? (relationKinds[object.line.slice(-1)] ?? 'relation') : object.kind;
  return `${kind} ${unqualified(object.name)}`;
}

function parseColumn(object: SchemaObject): ColumnDefinition {
  return parseColumnDefinition(object.line.slice(`column ${object.name} `.length));
}

function describeColumnChange(expected: SchemaObject, actual: SchemaObject): string {
  const before = parseColumn(expected);
  const after = parseColumn(actual);
  const changes: string[] = [];
  if (before.type !== after.type) changes.push(`type ${before.type} → ${after.type}`);
  if (before.notNull !== after.notNull) changes.push(before.notNull ? 'NOT NULL removed' : 'NOT NULL added');
  if (before.default !== after.default) {
    if (after.default === undefined) changes.push('default removed');
    else if (before.default === undefined) changes.push(`default ${after.default} added`);
    else changes.push(`default ${before.default} → ${after.default}`);
  }
  if (before.identity !== after.identity) changes.push('identity differs');
  if (before.generated !== after.generated) changes.push('generated expression differs');
  return changes.length > 0 ? changes.join(', ') : 'definition differs';
}

export function compareSchemaObjects(
  expected: readonly SchemaObject[],
  actual: readonly SchemaObject[],
): SchemaComparison {
  const live = new Map(actual.map((object) => [identity(object), object]));
  const fromMigrations = new Set(expected.map(identity));
  const drift: Drift[] = [];
  let matched = 0;
  for (const object of expected) {
    const found = live.get(identity(object));
    if (!found) drift.push({ kind: 'missing', ...describe(object), expected: object.line });
    else if (found.line === object.line) matched += 1;
    else
      drift.push({
        kind: 'differs',
        ...describe(object),
        change: object.kind === 'column' ? describeColumnChange(object, found) : 'definition differs',
        expected: object.line,
        actual: found.line,
      });
  }
  for (const object of actual) {
    if (!fromMigrations.has(identity(object)))
      drift.push({ kind: 'unexpected', ...describe(object), actual: object.line });
  }
  return { matched, drift };
}

/** `index hermes_leads_email_idx missing`, `column hermes_leads.email: NOT NULL removed`. */
export function describeDrift(drift: Drift): string {
  if (drift.kind === 'missing') return `${drift.object} missing`;
  if (drift.kind === 'unexpected') return `${drift.object} not from any migration`;
  return `${drift.object}: ${drift.change ?? 'definition differs'}`;
}

const summaryOrder = ['schema', 'relation', 'index', 'constraint', 'column', 'trigger', 'function', 'type'];

/**
 * The drift a person should read first: whole tables and schemas, then indexes, constraints and
 * columns; the parts of a table that is itself missing or extra are left to the evidence.
 */
export function headlineDrift(drift: readonly Drift[]): Drift[] {
  const wholeTables = new Set(
    drift.filter((d) => d.objectKind === 'relation' && d.kind !== 'differs').map((d) => d.name),
  );
  const rank = (d: Drift) => {
    const at = summaryOrder.indexOf(d.objectKind);
    return at === -1 ? summaryOrder.length : at;
  };
  return drift
    .filter((d) => d.table === undefined || !wholeTables.has(d.table))
    .sort((a, b) => rank(a) - rank(b));
}
