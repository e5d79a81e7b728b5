import type { QueryResultRow } from 'pg';

/**
 * The narrow interface between Hermes and the driver: a pool, a checked-out client and a
 * transaction all satisfy it, so SQL modules never care which one they were given.
 */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the row type it selects
  query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}
