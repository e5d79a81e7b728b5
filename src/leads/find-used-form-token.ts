import type { Queryable } from '../db/queryable.ts';

export interface UsedFormToken {
  readonly leadId: string;
  readonly requestHash: string;
}

const sql = `SELECT lead_id, request_hash FROM hermes_ops.used_form_tokens WHERE token_id = $1`;

/** The lead a form token was used for, if it was. */
export async function findUsedFormToken(db: Queryable, tokenId: string): Promise<UsedFormToken | undefined> {
  const { rows } = await db.query<{ lead_id: string; request_hash: string }>(sql, [tokenId]);
  const row = rows[0];
  return row && { leadId: row.lead_id, requestHash: row.request_hash };
}
