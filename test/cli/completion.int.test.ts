import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionScript } from '../../src/cli/commands/completion/index.ts';
import { optionValue, type CompletionCommand } from '../../src/cli/commands/completion/completion-tree.ts';
import { fullProgram } from '../../src/cli/commands/completion/full-program.ts';
import { runCli } from '../support/run-cli.ts';

const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;

let dir: string;
let project: string;
let bashFile: string;
let zshFile: string;
let tree: CompletionCommand[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-completion-'));
  const bash = await completionScript('bash');
  tree = bash.tree;
  bashFile = join(dir, 'hermes.bash');
  writeFileSync(bashFile, bash.script);
  zshFile = join(dir, '_hermes');
  writeFileSync(zshFile, (await completionScript('zsh')).script);
  // Where bash completes file names: a project of its own, the scripts not in it.
  project = join(dir, 'project');
  mkdirSync(join(project, 'reports'), { recursive: true });
  writeFileSync(join(project, 'hermes.yaml'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * What bash offers for the command line `words` (the last one being completed), as the
 * completion function leaves COMPREPLY: the script sourced, COMP_WORDS/COMP_CWORD set by hand.
 */
function complete(words: readonly string[]): string[] {
  const driver = [
    'source "$1"; shift',
    'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))',
    '_hermes',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', driver, 'bash', bashFile, ...words], {
    cwd: project,
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout.split('\n').filter((line) => line !== '');
}

describe('hermes completion bash', () => {
  it('is valid bash', () => {
    const check = spawnSync('bash', ['-n', bashFile], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('completes commands, subcommands and the options of the command named', () => {
    expect(complete(['hermes', 'ga'])).toEqual(['gates']);
    expect(complete(['hermes', 'gates', ''])).toEqual(
      expect.arrayContaining(['run', 'list', 'explain', 'history', 'validate']),
    );
    expect(complete(['hermes', 'deliveries', 'replay', '--'])).toEqual(
      expect.arrayContaining([
        '--dry-run',
        '--include-delivered',
        '--yes',
        '--since',
        '--dead',
        '--help',
        '--json',
      ]),
    );
    expect(complete(['hermes', 'deliveries', 'replay', '--'])).not.toContain('--concurrency');
    expect(complete(['hermes', 'co'])).toEqual(['config', 'completion']);
    expect(complete(['hermes', 'completion', ''])).toEqual(['bash', 'zsh', 'help']);
    expect(complete(['hermes', 'dep'])).toEqual(['deploy', 'deployments']);
    expect(complete(['hermes', 'deploy', ''])).toEqual(['status', 'stop']);
    expect(complete(['hermes', 'deployments', ''])).toEqual(['list', 'show', 'help']);
    expect(complete(['hermes', 'deployments', 'list', '--'])).toEqual(
      expect.arrayContaining(['--limit', '--json', '--help']),
    );
  });

  it('skips options and their values, in every spelling, to find the command', () => {
    expect(complete(['hermes', '-c', 'hermes.yaml', 'gates', 'r'])).toEqual(['run']);
    expect(complete(['hermes', '--config', 'hermes.yaml', '--json', 'gates', 'h'])).toEqual([
      'history',
      'help',
    ]);
    // bash splits `--config=hermes.yaml` at the `=` (COMP_WORDBREAKS), or keeps it whole.
    expect(complete(['hermes', '--config', '=', 'hermes.yaml', 'gates', 'r'])).toEqual(['run']);
    expect(complete(['hermes', '--config=hermes.yaml', 'gates', 'r'])).toEqual(['run']);
    expect(complete(['hermes', 'gates', 'run', 'pre-deploy', '--only', 'x', '--f'])).toEqual(['--format']);
    expect(complete(['hermes', 'help', 'ga'])).toEqual(['gates']);
  });

  it('completes file and directory values, and offers nothing for values it cannot know', () => {
    expect(complete(['hermes', '--config', 'herm'])).toEqual(['hermes.yaml']);
    expect(complete(['hermes', '-c', ''])).toEqual(expect.arrayContaining(['hermes.yaml', 'reports']));
    expect(complete(['hermes', '--config', '=', ''])).toEqual(expect.arrayContaining(['hermes.yaml']));
    expect(complete(['hermes', '--config=herm'])).toEqual(['--config=hermes.yaml']);
    expect(complete(['hermes', 'gates', 'run', '--report-dir', ''])).toEqual(['reports']);
    expect(complete(['hermes', 'deliveries', 'list', '--status', ''])).toEqual([]);
    expect(complete(['hermes', 'leads', 'show', ''])).toEqual([]);
    expect(complete(['hermes', '--', ''])).toEqual([]);
  });

  it('is printed by the CLI, and with --json as the data it is made of', async () => {
    const printed = await runCli(['completion', 'bash']);
    expect(printed.stderr).toBe('');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^# bash completion for hermes/);
    expect(printed.stdout).toContain('complete -F _hermes hermes');

    const json = await runCli(['completion', 'zsh', '--json']);
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout) as { shell: string; commands: CompletionCommand[] };
    expect(document.shell).toBe('zsh');
    expect(document.commands).toEqual(tree);
  }, 60_000);
});

describe('hermes completion zsh', () => {
  it.skipIf(!hasZsh)(`is valid zsh${hasZsh ? '' : ' (skipped: zsh is not installed)'}`, () => {
    const check = spawnSync('zsh', ['-n', zshFile], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('is an autoloadable #compdef function that also registers itself when sourced', async () => {
    const { script } = await completionScript('zsh');
    expect(script.split('\n')[0]).toBe('#compdef hermes');
    expect(script).toContain("'gates') reply=('list:");
    expect(script).toContain("'--include-delivered:");
    expect(script).toContain('compdef _hermes hermes');
    // zsh ties `path` to PATH: a local of that name would empty the PATH during completion.
    expect(script).not.toMatch(/\blocal\b[^\n]*\bpath\b/);
  });
});

/** Every command below `command` with its path, walked through commander's own lists. */
function everyCommand(command: Command, path: readonly string[] = []): [readonly string[], Command][] {
  return [[path, command], ...command.commands.flatMap((sub) => everyCommand(sub, [...path, sub.name()]))];
}

describe('the completion data', () => {
  // A command or option added to the CLI reaches the scripts without anyone remembering them.
  it('holds every command and option of the program, the lazily declared groups too', async () => {
    const program = await fullProgram();
    const commands = everyCommand(program);
    expect(commands.length).toBeGreaterThan(30);
    expect(tree.map((entry) => entry.path.join(' '))).toEqual(commands.map(([path]) => path.join(' ')));
    for (const [path, command] of commands) {
      const entry = tree.find((candidate) => candidate.path.join(' ') === path.join(' '));
      expect(entry?.commands.map((sub) => sub.name)).toEqual(
        expect.arrayContaining(command.commands.map((sub) => sub.name())),
      );
      const flags = entry?.options.flatMap((option) => option.flags) ?? [];
      for (const option of command.options) {
        for (const flag of [option.long, option.short])
          if (flag) expect(flags, path.join(' ')).toContain(flag);
      }
      expect(flags, path.join(' ')).toContain('--help');
    }
  });

  it('decides what an option takes from the name of its value', () => {
    const option = (flags: string) => ({
      flags,
      required: flags.includes('<'),
      optional: flags.includes('['),
    });
    expect(optionValue(option('--json'))).toBe('none');
    expect(optionValue(option('-c, --config <path>'))).toBe('file');
    expect(optionValue(option('--out <file>'))).toBe('file');
    expect(optionValue(option('--report-dir <dir>'))).toBe('directory');
    expect(optionValue(option('--since <time>'))).toBe('word');
    expect(optionValue(option('--level [level]'))).toBe('word');
  });
});
