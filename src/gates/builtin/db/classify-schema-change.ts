import { fillsItself, parseColumnLine, type SnapshotColumn } from './snapshot-columns.ts';

/**
 * Reads two schema snapshots (takeSchemaSnapshot's lines) and names the changes that break code
 * written against the old schema: a dropped or renamed table or column, a narrowed or changed
 * type, a NOT NULL added to an existing column, a NOT NULL column without default added to an
 * existing table.
 */

function parseColumns(snapshot: readonly string[]): Map<string, SnapshotColumn> {
  const columns = new Map<string, SnapshotColumn>();
  for (const line of snapshot) {
    const column = parseColumnLine(line);
    if (column) columns.set(`${column.relation}.${column.column}`, column);
  }
  return columns;
}

function relations(snapshot: readonly string[]): Set<string> {
  return new Set(snapshot.filter((l) => l.startsWith('relation ')).map((l) => l.split(' ')[1] ?? ''));
}

const integerRank: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 };

function varcharLength(type: string): number | undefined {
  const match = /^character varying\((\d+)\)$/.exec(type);
  return match ? Number(match[1]) : undefined;
}

/** True when every value of `from` is a value of `to` and reads back the same. */
export function isWidening(from: string, to: string): boolean {
  if (from === to) return true;
  const fromRank = integerRank[from];
  const toRank = integerRank[to];
  if (fromRank !== undefined && toRank !== undefined) return toRank >= fromRank;
  if (to === 'text' && (from === 'character varying' || from.startsWith('character varying('))) return true;
  const fromLength = varcharLength(from);
  if (fromLength !== undefined) {
    if (to === 'character varying') return true;
    const toLength = varcharLength(to);
    return toLength !== undefined && toLength >= fromLength;
  }
  const fromNumeric = /^numeric\((\d+),(\d+)\)$/.exec(from);
  const toNumeric = /^numeric\((\d+),(\d+)\)$/.exec(to);
  if (fromNumeric && (to === 'numeric' || toNumeric)) {
    if (!toNumeric) return true;
    return Number(toNumeric[2]) === Number(fromNumeric[2]) && Number(toNumeric[1]) >= Number(fromNumeric[1]);
  }
  return false;
}

export function breakingChanges(before: readonly string[], after: readonly string[]): string[] {
  const relationsBefore = relations(before);
  const relationsAfter = relations(after);
  const columnsBefore = parseColumns(before);
  const columnsAfter = parseColumns(after);
  const changes: string[] = [];
  for (const relation of relationsBefore) {
    if (!relationsAfter.has(relation)) changes.push(`dropped or renamed table ${relation}`);
  }
  for (const [key, old] of columnsBefore) {
    if (!relationsAfter.has(old.relation)) continue;
    const now = columnsAfter.get(key);
    if (!now) {
      changes.push(`dropped or renamed column ${key}`);
      continue;
    }
    if (!isWidening(old.type, now.type))
      changes.push(`changed type of ${key} from ${old.type} to ${now.type}`);
    if (!old.notNull && now.notNull) changes.push(`NOT NULL added to existing column ${key}`);
  }
  for (const [key, now] of columnsAfter) {
    if (columnsBefore.has(key) || !relationsBefore.has(now.relation)) continue;
    if (now.notNull && !fillsItself(now)) changes.push(`NOT NULL column without default added: ${key}`);
  }
  return changes;
}
