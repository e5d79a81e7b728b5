import { createInterface } from 'node:readline/promises';
import { HermesError } from '../errors/hermes-error.ts';

/**
 * What a destructive command does about its plan: run it, print it only, ask on the terminal
 * whether to run it, or refuse (nobody to ask and no `--yes`).
 */
export type Confirmation = 'run' | 'plan-only' | 'ask' | 'refuse';

export interface ConfirmationFacts {
  /** stdin and stderr are terminals: someone can answer. */
  readonly tty: boolean;
  readonly yes: boolean;
  readonly dryRun: boolean;
  /** The config's `environment` is production. */
  readonly production: boolean;
  /** What it does cannot be undone (dropped tables, erased leads). */
  readonly irreversible: boolean;
}

/**
 * A dry run only plans; `--yes` runs; in production anything irreversible is planned only (a
 * prompt answered by habit must not drop production's tables); elsewhere a terminal is asked, and
 * a script that gave no `--yes` is refused.
 */
export function decideConfirmation(facts: ConfirmationFacts): Confirmation {
  if (facts.dryRun) return 'plan-only';
  if (facts.yes) return 'run';
  if (facts.production && facts.irreversible) return 'plan-only';
  return facts.tty ? 'ask' : 'refuse';
}

/** Where the question is asked: stderr, so stdout stays the command's result (`--json` too). */
export interface Terminal {
  readonly input: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly output: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

export function processTerminal(): Terminal {
  return { input: process.stdin, output: process.stderr };
}

export function isTerminal(terminal: Terminal): boolean {
  return terminal.input.isTTY === true && terminal.output.isTTY === true;
}

/** The facts of a command line: its `--yes` and `--dry-run`, the terminal, the environment. */
export function confirmationFacts(
  terminal: Terminal,
  options: { readonly yes?: boolean | undefined; readonly dryRun?: boolean | undefined },
  environment: string,
  irreversible: boolean,
): ConfirmationFacts {
  return {
    tty: isTerminal(terminal),
    yes: options.yes ?? false,
    dryRun: options.dryRun ?? false,
    production: environment === 'production',
    irreversible,
  };
}

/** Only `y` or `yes` (any case) is a yes; Enter alone, anything else or a closed input is a no. */
export function isYes(answer: string): boolean {
  return /^\s*y(es)?\s*$/i.test(answer);
}

/** Asks `question [y/N]` on the terminal. */
export async function askYesNo(terminal: Terminal, question: string): Promise<boolean> {
  const rl = createInterface({ input: terminal.input, output: terminal.output });
  try {
    // Input that ends unanswered (Ctrl-D) is a no, not a question left hanging.
    const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
    const asked = rl.question(`${question} [y/N] `).catch(() => '');
    return isYes(await Promise.race([asked, closed]));
  } finally {
    rl.close();
  }
}

export interface ConfirmRequest {
  /** What would be done, for the question and the refusals: "revert 3 migrations". */
  readonly action: string;
  /** The command has a `--dry-run` to point to. */
  readonly hasDryRun: boolean;
}

/**
 * Settles a decision other than 'run' once the plan (if any) is printed: true when the command
 * goes on (yes on the terminal), false when it stops having changed nothing (a dry run, or no on
 * the terminal); throws `confirmation_required` when it must not run without `--yes`.
 */
export async function confirm(
  decision: Exclude<Confirmation, 'run'>,
  facts: Pick<ConfirmationFacts, 'dryRun'>,
  request: ConfirmRequest,
  terminal: Terminal = processTerminal(),
): Promise<boolean> {
  if (decision === 'plan-only' && facts.dryRun) return false;
  if (decision === 'plan-only') {
    throw new HermesError(
      'confirmation_required',
      `environment is production: nothing was done; add --yes to ${request.action}`,
    );
  }
  if (decision === 'refuse') {
    const plan = request.hasDryRun ? ' (or --dry-run to see the plan only)' : '';
    throw new HermesError(
      'confirmation_required',
      `not asked on a terminal, so nothing was done: add --yes to ${request.action}${plan}`,
    );
  }
  const yes = await askYesNo(terminal, `Proceed to ${request.action}?`);
  if (!yes) terminal.output.write('nothing was done\n');
  return yes;
}
