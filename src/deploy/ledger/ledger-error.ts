import { toDatabaseError } from '../../db/database-error.ts';
import { HermesError } from '../../errors/hermes-error.ts';

const whatToRun = 'run `hermes migrate up` (Hermes) or `hermes ops init` (another project) first';

/**
 * A failed ledger read as a reader should see it: a missing table or column is a ledger not made
 * yet (or made by an older Hermes), which a command names with the one to run; the rest is the
 * database's error.
 */
export function ledgerError(error: unknown, context: string): HermesError {
  const failure = toDatabaseError(error, context);
  if (failure.kind !== 'undefined_object') return failure;
  const message =
    failure.sqlstate === '42703'
      ? 'the deployments ledger is older than this Hermes'
      : 'hermes_ops.deployments does not exist';
  return new HermesError('deployments_ledger_missing', message, { details: [whatToRun], cause: error });
}
