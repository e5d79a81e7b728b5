import { HermesError, type HermesErrorOptions } from '../errors/hermes-error.ts';

/** A migration could not run or was refused: a failed check for the deployment (exit 1). */
export class MigrationError extends HermesError {
  constructor(code: string, message: string, options: HermesErrorOptions = {}) {
    super(code, message, { exitCode: 1, ...options });
  }
}
