import type { Queryable } from '../db/queryable.ts';

const sql = `DELETE FROM hermes_ops.used_form_tokens WHERE expires_at < now()`;

/** Forgets used form tokens that have expired (an expired token is refused for its age anyway); returns how many. */
export async function purgeUsedFormTokens(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(sql);
  return rowCount ?? 0;
}
