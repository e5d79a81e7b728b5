import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  confirm,
  decideConfirmation,
  isYes,
  type ConfirmationFacts,
  type Terminal,
} from '../../src/cli/confirm.ts';
import { hasCode } from '../../src/errors/hermes-error.ts';

const facts = (over: Partial<ConfirmationFacts> = {}): ConfirmationFacts => ({
  tty: false,
  yes: false,
  dryRun: false,
  production: false,
  irreversible: false,
  ...over,
});

describe('decideConfirmation', () => {
  it.each([
    // A dry run only plans, whatever else is given.
    [{ dryRun: true, yes: true, tty: true }, 'plan-only'],
    [{ dryRun: true, production: true, irreversible: true }, 'plan-only'],
    // --yes runs, in production too.
    [{ yes: true }, 'run'],
    [{ yes: true, production: true, irreversible: true }, 'run'],
    // Irreversible in production: the plan only, even on a terminal.
    [{ tty: true, production: true, irreversible: true }, 'plan-only'],
    [{ production: true, irreversible: true }, 'plan-only'],
    // Elsewhere (or reversible in production): a terminal is asked, a script refused.
    [{ tty: true }, 'ask'],
    [{ tty: true, irreversible: true }, 'ask'],
    [{ tty: true, production: true }, 'ask'],
    [{}, 'refuse'],
    [{ irreversible: true }, 'refuse'],
    [{ production: true }, 'refuse'],
  ] as const)('%j → %s', (over, expected) => {
    expect(decideConfirmation(facts(over))).toBe(expected);
  });
});

describe('isYes', () => {
  it('takes y and yes in any case only', () => {
    for (const answer of ['y', 'Y', 'yes', 'YES', ' yes ']) expect(isYes(answer)).toBe(true);
    for (const answer of ['', 'n', 'no', 'yep', 'sure', 'y es']) expect(isYes(answer)).toBe(false);
  });
});

/** A terminal whose input is `typed` (then closed unless `keepOpen`) and whose output is kept. */
function fakeTerminal(typed: string, keepOpen = false): { terminal: Terminal; shown: () => string } {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  input.write(typed);
  if (!keepOpen) input.end();
  return { terminal: { input, output }, shown: () => shown };
}

const request = { action: 'revert 2 migrations', hasDryRun: true };

describe('confirm', () => {
  it('asks on the terminal: y goes on', async () => {
    const { terminal, shown } = fakeTerminal('y\n', true);
    await expect(confirm('ask', { dryRun: false }, request, terminal)).resolves.toBe(true);
    expect(shown()).toBe('Proceed to revert 2 migrations? [y/N] ');
  });

  it('asks on the terminal: Enter, no, or a closed input stop with nothing done', async () => {
    for (const typed of ['\n', 'no\n', '']) {
      const { terminal, shown } = fakeTerminal(typed);
      await expect(confirm('ask', { dryRun: false }, request, terminal)).resolves.toBe(false);
      expect(shown()).toContain('nothing was done\n');
    }
  });

  it('a dry run stops after its plan, without a question', async () => {
    const { terminal, shown } = fakeTerminal('y\n');
    await expect(confirm('plan-only', { dryRun: true }, request, terminal)).resolves.toBe(false);
    expect(shown()).toBe('');
  });

  it('refuses without a terminal, pointing to --yes and --dry-run', async () => {
    const { terminal } = fakeTerminal('y\n');
    const refused = await confirm('refuse', { dryRun: false }, request, terminal).catch((e: unknown) => e);
    expect(hasCode(refused, 'confirmation_required')).toBe(true);
    expect((refused as Error).message).toBe(
      'not asked on a terminal, so nothing was done: add --yes to revert 2 migrations (or --dry-run to see the plan only)',
    );
    const noPlan = await confirm(
      'refuse',
      { dryRun: false },
      { action: 'erase every lead of a@b.example', hasDryRun: false },
      terminal,
    ).catch((e: unknown) => e);
    // Refused the same way, only without pointing to a --dry-run the command does not have.
    expect(hasCode(noPlan, 'confirmation_required')).toBe(true);
    expect((noPlan as Error).message).toContain('add --yes to erase every lead of a@b.example');
    expect((noPlan as Error).message).not.toContain('--dry-run');
  });

  it('in production, the plan only: refused with confirmation_required naming --yes', async () => {
    const { terminal, shown } = fakeTerminal('y\n');
    const refused = await confirm('plan-only', { dryRun: false }, request, terminal).catch((e: unknown) => e);
    expect(hasCode(refused, 'confirmation_required')).toBe(true);
    expect((refused as Error).message).toBe(
      'environment is production: nothing was done; add --yes to revert 2 migrations',
    );
    expect(shown()).toBe('');
  });
});
