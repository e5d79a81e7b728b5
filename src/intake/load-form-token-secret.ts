import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/queryable.ts';
import { toDatabaseError } from '../db/database-error.ts';
import { HermesError } from '../errors/hermes-error.ts';

const insertSql = `
INSERT INTO hermes_ops.settings (key, value)
VALUES ('form_token_secret', $1)
ON CONFLICT (key) DO NOTHING`;

const selectSql = `SELECT value FROM hermes_ops.settings WHERE key = 'form_token_secret'`;

/**
 * The form tokens' shared HMAC key, created by the first instance to start: every other instance
 * (and every restart) reads the same one. Two statements, so the read sees a concurrent instance's commit.
 */
export async function loadFormTokenSecret(db: Queryable): Promise<string> {
  let value: string | undefined;
  try {
    await db.query(insertSql, [randomBytes(32).toString('base64url')]);
    const { rows } = await db.query<{ value: string }>(selectSql);
    value = rows[0]?.value;
  } catch (error) {
    throw toDatabaseError(error, 'loading the form token secret');
  }
  if (value === undefined)
    throw new HermesError('form_token_secret_missing', 'the form token secret was neither stored nor found');
  return value;
}
