import { HermesError } from '../errors/hermes-error.ts';

/** One value the command refused: which option or argument, what it takes, what it was given. */
export interface UsageField {
  readonly field: string;
  readonly expected: string;
  readonly got: string;
}

/**
 * Bad usage: a value or a combination of options a command cannot take. Raised while the command
 * line is parsed, so nothing (database, file, network) has been touched yet; always exit 2.
 */
export class UsageError extends HermesError {
  readonly fields: readonly UsageField[];

  constructor(
    message: string,
    options: { fields?: readonly UsageField[]; details?: readonly string[] } = {},
  ) {
    super('usage_invalid', message, { details: options.details ?? [] });
    this.fields = options.fields ?? [];
  }
}

/** `hermes --json ...`: the usage error as the one JSON document on stdout. */
export function usageErrorBody(message: string, fields: readonly UsageField[] = []) {
  return { error: { code: 'usage_invalid', message, fields } };
}
