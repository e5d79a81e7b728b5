import type { Queryable } from '../../db/queryable.ts';
import { classifyDatabaseError } from '../../db/database-error.ts';
import { HermesError } from '../../errors/hermes-error.ts';

/** Fails clearly when the delivery tables are missing (migrations not applied). */
export async function checkDeliverySchema(db: Queryable): Promise<void> {
  try {
    await db.query('SELECT outbox_id FROM hermes_deliveries LIMIT 0');
    await db.query('SELECT replay_count FROM hermes_outbox LIMIT 0');
  } catch (error) {
    if (classifyDatabaseError(error) !== 'undefined_object') throw error;
    throw new HermesError(
      'schema_not_ready',
      'the delivery tables are missing: run `hermes migrate up` first',
      { cause: error },
    );
  }
}
