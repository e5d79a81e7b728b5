import pg from 'pg';
import { classifyDatabaseError, toDatabaseError } from '../../../db/database-error.ts';
import type { Database } from '../../../db/open-database.ts';
import { isHermesError } from '../../../errors/hermes-error.ts';
import type { GateContext, GateOutcome } from '../../gate.ts';

function isDatabaseProblem(error: unknown): boolean {
  return (
    isHermesError(error) || error instanceof pg.DatabaseError || classifyDatabaseError(error) !== 'other'
  );
}

/** The reason a database step failed, without query parameters or credentials. */
export function databaseReason(error: unknown): string {
  if (isHermesError(error)) return [error.message, ...error.details].join('; ');
  return toDatabaseError(error).message;
}

/**
 * Runs a gate body that needs the database: an unreachable database, a missing table or a
 * migration that cannot run means the gate could not judge (`error`), never `fail`.
 */
export async function withGateDatabase(
  ctx: GateContext,
  what: string,
  judge: (db: Database) => Promise<GateOutcome>,
): Promise<GateOutcome> {
  try {
    const db = await ctx.database();
    return await judge(db);
  } catch (error) {
    if (!isDatabaseProblem(error)) throw error;
    return { status: 'error', summary: `could not ${what}`, reason: databaseReason(error) };
  }
}
