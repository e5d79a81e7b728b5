import { CommanderError } from 'commander';
import { isHermesError, type HermesError } from '../errors/hermes-error.ts';
import { errorMessage } from '../errors/error-message.ts';
import { buildProgram, versionAsked } from './program.ts';
import { UsageError } from './usage-error.ts';

/** Any error as a HermesError: commander's leftovers are usage errors, the rest `internal_error`. */
function asHermesError(error: unknown): HermesError | undefined {
  if (isHermesError(error)) return error;
  if (error instanceof CommanderError)
    return new UsageError(error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '));
  return undefined;
}

/** `hermes: <message> [<code>]`, its details indented below (the README's error format). */
export function errorLines(error: unknown, verbose: boolean): string[] {
  const known = asHermesError(error);
  if (!known) {
    const trace =
      verbose && error instanceof Error ? (error.stack ?? '') : '  (run with --verbose for the stack trace)';
    return [`hermes: unexpected error: ${errorMessage(error)}`, trace];
  }
  const lines = [`hermes: ${known.message} [${known.code}]`];
  for (const detail of known.details)
    lines.push(detail.startsWith(' ') ? `    ${detail.trim()}` : `  - ${detail}`);
  if (verbose && known.cause instanceof Error) lines.push(known.cause.stack ?? '');
  return lines;
}

/**
 * With `--json`: `{"error":{"code","message",...}}`, the shape of the HTTP answers. A usage error
 * carries the values refused (`fields`: field, expected, got), an error with details its `details`.
 */
export function errorDocument(error: unknown, verbose: boolean): { error: Record<string, unknown> } {
  const known = asHermesError(error);
  if (!known) {
    const stack = verbose && error instanceof Error ? { stack: error.stack } : {};
    return {
      error: { code: 'internal_error', message: `unexpected error: ${errorMessage(error)}`, ...stack },
    };
  }
  const body: Record<string, unknown> = { code: known.code, message: known.message };
  if (known instanceof UsageError) body.fields = known.fields;
  if (known.details.length > 0) body.details = known.details.map((detail) => detail.trim());
  if (verbose && known.cause instanceof Error) body.stack = known.cause.stack;
  return { error: body };
}

function exitCodeOf(error: unknown): number {
  return asHermesError(error)?.exitCode ?? 2;
}

/**
 * `--json` anywhere before `--`: a usage error can stop the parse before commander has read it
 * (`hermes --config '' --json ...`), so the command line itself decides.
 */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

/**
 * The one edge where errors become messages and exit codes:
 * 0 done, 1 a check failed, 2 Hermes could not run (bad config, no database, bad usage).
 * An error is Hermes's lines on stderr, or with `--json` one JSON line on stderr and nothing else.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const version = versionAsked(argv.slice(2));
  if (version !== null) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const { command, context, declareGroupsNamedIn } = buildProgram();
  try {
    // argv[0] is node, argv[1] the script: commander's default ('node' convention).
    await declareGroupsNamedIn(argv.slice(2));
    await command.parseAsync([...argv]);
    return 0;
  } catch (error) {
    // --help and --version: commander has printed them on stdout.
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    const args = argv.slice(2);
    const verbose = command.opts<{ verbose?: boolean }>().verbose ?? args.includes('--verbose');
    const output = context.output;
    if (wantsJson(args)) output.error(JSON.stringify(errorDocument(error, verbose)));
    else for (const line of errorLines(error, verbose)) output.error(line);
    return exitCodeOf(error);
  }
}
