import { HermesError, type HermesCode, type HermesErrorOptions } from '../errors/hermes-error.ts';

/** A migration could not run or was refused: a failed check for the deployment (exit 1, from the catalogue). */
export class MigrationError extends HermesError {
  constructor(code: HermesCode, message: string, options: HermesErrorOptions = {}) {
    super(code, message, options);
  }
}
