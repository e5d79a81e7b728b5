import type { Queryable } from './queryable.ts';

/**
 * Whether `name` (as SQL text: quoted where needed, perhaps schema-qualified) names a table,
 * view or index on this database, resolved on the search_path as a query would.
 */
export async function relationExists(db: Queryable, name: string): Promise<boolean> {
  const { rows } = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    name,
  ]);
  return rows[0]?.exists ?? false;
}
