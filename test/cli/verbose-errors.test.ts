import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { errorDocument, errorLines } from '../../src/cli/main.ts';
import { createContext } from '../../src/cli/context.ts';
import { HermesError } from '../../src/errors/hermes-error.ts';

describe('the CLI error edge with --verbose', () => {
  const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
  const known = new HermesError('db_connection_failure', 'cannot connect to the database', { cause });

  it("adds a known error's cause's stack only with --verbose, in text and in --json", () => {
    expect(errorLines(known, false)).toEqual([
      'hermes: cannot connect to the database [db_connection_failure]',
    ]);
    const verbose = errorLines(known, true);
    expect(verbose[0]).toBe('hermes: cannot connect to the database [db_connection_failure]');
    expect(verbose[1]).toBe(cause.stack);
    expect(verbose).toHaveLength(2);

    expect(errorDocument(known, false).error).not.toHaveProperty('stack');
    expect(errorDocument(known, true).error).toEqual({
      code: 'db_connection_failure',
      message: 'cannot connect to the database',
      stack: cause.stack,
    });
  });

  it("prints an unexpected error's own stack with --verbose, in place of the hint", () => {
    const bug = new TypeError('x is undefined');
    expect(errorLines(bug, true)).toEqual(['hermes: unexpected error: x is undefined', bug.stack]);
    // Something thrown that is not an Error has no stack: the hint stays.
    expect(errorLines('a string', true)).toEqual([
      'hermes: unexpected error: a string',
      '  (run with --verbose for the stack trace)',
    ]);
  });

  it("turns commander's own error into one usage line, without its 'error:' prefix or line breaks", () => {
    const error = new CommanderError(
      1,
      'commander.excessArguments',
      "error: too many arguments\n  for 'status'",
    );
    expect(errorLines(error, false)).toEqual(["hermes: too many arguments for 'status' [usage_invalid]"]);
    expect(errorDocument(error, false)).toEqual({
      error: { code: 'usage_invalid', message: "too many arguments for 'status'", fields: [] },
    });
  });
});

describe('the CLI context', () => {
  it('refuses to read the config before a command has prepared it (a programming error, said plainly)', () => {
    const ctx = createContext(() => ({}));
    expect(() => ctx.config()).toThrow('the config was read before the context was prepared');
  });
});
