import type { Database } from '../db/open-database.ts';
import { toDatabaseError } from '../db/database-error.ts';
import type { CliContext } from './context.ts';

/** Opens the database (`open`: another connection than the configured one), checks it answers, runs `work`, and always closes it. */
export async function withDatabase<T>(
  ctx: CliContext,
  work: (db: Database) => Promise<T>,
  open: () => Promise<Database> = () => ctx.openDatabase(),
): Promise<T> {
  const db = await open();
  try {
    try {
      await db.pool.query('SELECT 1');
    } catch (error) {
      throw toDatabaseError(error, 'cannot connect to the database');
    }
    return await work(db);
  } finally {
    await db.close();
  }
}
