import type { Queryable } from '../../db/queryable.ts';

// Client addresses are personal data: the counters are kept only as long as they help spot a brute-forcer.
const sql = `DELETE FROM hermes_ops.admin_refusals WHERE window_start < now() - make_interval(days => $1::int)`;

/** Deletes the refusal counters of windows older than `retentionDays`; returns how many. */
export async function purgeAdminRefusals(db: Queryable, retentionDays: number): Promise<number> {
  const { rowCount } = await db.query(sql, [retentionDays]);
  return rowCount ?? 0;
}
