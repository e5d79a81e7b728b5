import type { Pool } from 'pg';
import { withTransaction } from '../../../db/transaction.ts';
import type { MigrationFile } from '../../../migrations/migration-file.ts';

/** What a down migration's SQL says it throws away. */
export interface DataLoss {
  readonly migration: string;
  readonly kind: 'drop table' | 'drop column' | 'truncate' | 'drop schema cascade';
  /** The table (for a schema: the schema) as the SQL names it. */
  readonly table: string;
  readonly column?: string;
  /** Rows in the table now; null when not counted (no such table, or too slow to count). */
  readonly rows: number | null;
}

type Found = Omit<DataLoss, 'migration' | 'rows'>;

const names = (list: string): string[] =>
  list
    .split(',')
    .map((name) =>
      name
        .trim()
        .replace(/^ONLY\s+/i, '')
        .replace(/\s*\*$/, '')
        .replaceAll('"', ''),
    )
    .filter((name) => name.length > 0);

/**
 * A plain scan of a down migration's statements for what loses data: DROP TABLE, ALTER TABLE ...
 * DROP COLUMN, TRUNCATE, DROP SCHEMA ... CASCADE. A plan's warning, not a proof: the reversibility
 * gate (verify-reversible.ts) is what measures lost rows, on a scratch database.
 */
export function scanDataLoss(sql: string): Found[] {
  const statements = sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim());
  const found: Found[] = [];
  for (const statement of statements) {
    const drop = /^DROP TABLE (?:IF EXISTS )?(.+?)(?: (?:CASCADE|RESTRICT))?$/i.exec(statement);
    if (drop) for (const table of names(drop[1] ?? '')) found.push({ kind: 'drop table', table });
    const truncate =
      /^TRUNCATE (?:TABLE )?(.+?)(?: (?:RESTART|CONTINUE) IDENTITY)?(?: (?:CASCADE|RESTRICT))?$/i.exec(
        statement,
      );
    if (truncate) for (const table of names(truncate[1] ?? '')) found.push({ kind: 'truncate', table });
    const schema = /^DROP SCHEMA (?:IF EXISTS )?(.+?) CASCADE$/i.exec(statement);
    if (schema)
      for (const table of names(schema[1] ?? '')) found.push({ kind: 'drop schema cascade', table });
    const alter = /^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(\S+) (.*)$/i.exec(statement);
    if (!alter) continue;
    const table = (alter[1] ?? '').replaceAll('"', '');
    for (const column of (alter[2] ?? '').matchAll(/\bDROP COLUMN (?:IF EXISTS )?("[^"]+"|[\w$]+)/gi))
      found.push({ kind: 'drop column', table, column: (column[1] ?? '').replaceAll('"', '') });
  }
  return found;
}

/**
 * The rows of `table` now, counted under a short statement timeout so that a plan never waits
 * long on a big table; null when there is no such table or counting took too long.
 */
async function countRows(pool: Pool, table: string): Promise<number | null> {
  try {
    return await withTransaction(pool, async (client) => {
      await client.query("SET LOCAL statement_timeout = '2s'");
      const { rows } = await client.query<{ rel: string | null }>('SELECT to_regclass($1)::text AS rel', [
        table,
      ]);
      const rel = rows[0]?.rel;
      if (!rel) return null;
      // `rel` is PostgreSQL's own (quoted) name of an existing relation, never the file's text.
      const counted = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${rel}`);
      return counted.rows[0]?.n ?? null;
    });
  } catch {
    // A count is a courtesy of the plan: without it the plan still says what is dropped.
    return null;
  }
}

/** The data loss of every step of a down plan, with the row counts of the tables concerned. */
export async function dataLossOfPlan(pool: Pool, steps: readonly MigrationFile[]): Promise<DataLoss[]> {
  const counts = new Map<string, number | null>();
  const losses: DataLoss[] = [];
  for (const step of steps) {
    for (const found of scanDataLoss(step.downSql ?? '')) {
      if (found.kind !== 'drop schema cascade' && !counts.has(found.table))
        counts.set(found.table, await countRows(pool, found.table));
      const rows = counts.get(found.table) ?? null;
      losses.push({ migration: step.name, ...found, rows });
    }
  }
  return losses;
}

/** `drops table hermes_leads (1,204 rows)` */
export function describeLoss(loss: DataLoss): string {
  const rows =
    loss.rows === null ? '' : ` (${loss.rows.toLocaleString('en')} row${loss.rows === 1 ? '' : 's'})`;
  switch (loss.kind) {
    case 'drop table':
      return `drops table ${loss.table}${rows}`;
    case 'drop column':
      return `drops column ${loss.table}.${loss.column ?? '?'}${rows}`;
    case 'truncate':
      return `empties table ${loss.table}${rows}`;
    case 'drop schema cascade':
      return `drops schema ${loss.table} and everything in it`;
  }
}
