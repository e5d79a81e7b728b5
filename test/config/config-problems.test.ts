import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/config/config-error.ts';
import { describeValue, formatIssue } from '../../src/config/format-issue.ts';
import { loadConfig } from '../../src/config/load-config.ts';

// What `hermes config check` and every command print for a config they cannot use: the key, what
// was expected, what was found (never a secret) and where it came from.

function dirWith(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-config-problems-'));
  writeFileSync(join(dir, 'hermes.yaml'), yaml);
  return dir;
}

function failure(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** The problems found in `yaml`, with the file's path shown as `hermes.yaml`. */
function problemsOf(yaml: string): string[] {
  const cwd = dirWith(yaml);
  return failure(() => loadConfig({ env: {}, cwd })).details.map((line) =>
    line.replaceAll(join(cwd, 'hermes.yaml'), 'hermes.yaml'),
  );
}

/** The first problem of `value` against `schema`, printed as loadConfig prints it (input reported). */
function issueOf(schema: z.ZodType, value: unknown): string {
  const issue = schema.safeParse(value, { reportInput: true }).error?.issues[0];
  if (issue === undefined) throw new Error('expected a problem');
  return formatIssue(issue, () => undefined);
}

describe('a config problem names what was found', () => {
  it('as a short excerpt of a value of each kind', () => {
    expect(problemsOf('server:\n  host: null\n')).toEqual([
      'server.host: expected string, got null (from hermes.yaml)',
    ]);
    expect(problemsOf('server:\n  host: [a, b]\n')).toEqual([
      'server.host: expected string, got a list of 2 (from hermes.yaml)',
    ]);
    expect(problemsOf('server:\n  host: {a: 1}\n')).toEqual([
      'server.host: expected string, got a mapping (from hermes.yaml)',
    ]);
    expect(problemsOf('server:\n  port: true\n')).toEqual([
      'server.port: expected number, got true (from hermes.yaml)',
    ]);
    expect(problemsOf('server:\n  port: 1.5\n')).toEqual([
      'server.port: expected an integer, got 1.5 (from hermes.yaml)',
    ]);
  });

  it('cuts a long string to 60 characters', () => {
    const [problem] = problemsOf(`log:\n  level: "${'x'.repeat(80)}"\n`);
    expect(problem).toContain(`got "${'x'.repeat(57)}..." (from hermes.yaml)`);
  });

  it('says "nothing" for a required key that is missing', () => {
    expect(problemsOf('gates:\n  custom:\n    - id: team.check\n      kind: shell\n')).toEqual([
      'gates.custom.0.command: expected string, got nothing',
    ]);
  });

  it('as "(root)" when the whole value is at fault, and never shows a value under a secret key', () => {
    expect(issueOf(z.string(), 3)).toBe('(root): expected string, got 3');
    expect(describeValue('whsec_abc', ['n8n', 'signingSecrets', 0])).toBe('[redacted]');
    expect(describeValue(Symbol('s'), ['x'])).toBe('symbol');
  });
});

describe('a config problem says what was expected', () => {
  it('the allowed values, a minimum or maximum, a format, or the rule own message', () => {
    expect(problemsOf('log:\n  level: loud\n')).toEqual([
      'log.level: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "loud" (from hermes.yaml)',
    ]);
    expect(problemsOf('delivery:\n  retrySchedule: []\n')).toEqual([
      'delivery.retrySchedule: expected array >= 1, got a list of 0 (from hermes.yaml)',
    ]);
    expect(problemsOf('delivery:\n  jitter: 2\n')).toEqual([
      'delivery.jitter: expected number <= 1, got 2 (from hermes.yaml)',
    ]);
    expect(
      problemsOf('gates:\n  custom:\n    - id: team.check\n      kind: http\n      url: "ftp://x"\n'),
    ).toEqual(['gates.custom.0.url: expected url, got "ftp://x"']);
    expect(problemsOf('gates:\n  custom:\n    - id: team.check\n      kind: nope\n')).toEqual([
      "gates.custom.0.kind: Invalid discriminator value. Expected 'shell' | 'sql' | 'http', got a mapping",
    ]);
  });

  it('an exclusive bound with < or >, an inclusive one with <= or >=', () => {
    // No bound of hermes.yaml is exclusive today; the printer must still say which kind it is.
    expect(issueOf(z.number().lt(5), 9)).toBe('(root): expected number < 5, got 9');
    expect(issueOf(z.number().gt(5), 1)).toBe('(root): expected number > 5, got 1');
    expect(issueOf(z.number().min(5), 1)).toBe('(root): expected number >= 5, got 1');
  });

  it('says what a gate override must be keyed by', () => {
    expect(problemsOf('gates:\n  overrides:\n    Bad_Key: { enabled: false }\n')).toEqual([
      'gates.overrides.Bad_Key: expected a gate id like family.name as the key, got "Bad_Key" (from hermes.yaml)',
    ]);
  });

  it('names every unknown key of one mapping, at the top level too, in one line', () => {
    expect(problemsOf('prot: 1\nfoo: 2\n')).toEqual(['prot, foo: unknown keys (from hermes.yaml)']);
    expect(problemsOf('server:\n  prot: 1\n')).toEqual(['server.prot: unknown key (from hermes.yaml)']);
  });
});

describe('loadConfig reading hermes.yaml', () => {
  it('takes an empty file for all defaults', () => {
    const { config, file } = loadConfig({ env: {}, cwd: dirWith('') });
    expect(file).not.toBeNull();
    expect(config.server.port).toBe(3000);
  });

  it('refuses a file that is not a mapping, and one it cannot read, naming it', () => {
    const list = dirWith('- a\n- b\n');
    expect(failure(() => loadConfig({ env: {}, cwd: list })).message).toBe(
      `${join(list, 'hermes.yaml')}: expected a mapping at the top level`,
    );
    const unreadable = mkdtempSync(join(tmpdir(), 'hermes-config-problems-'));
    mkdirSync(join(unreadable, 'hermes.yaml'));
    const error = failure(() => loadConfig({ env: {}, cwd: unreadable }));
    expect(error.message).toBe(`cannot read ${join(unreadable, 'hermes.yaml')}`);
    expect(error.details).toEqual([expect.stringContaining('EISDIR')]);
  });

  it('takes NODE_ENV only when it names an environment of Hermes, and HERMES_ENV over it', () => {
    const cwd = dirWith('');
    const foreign = loadConfig({ env: { NODE_ENV: 'test-runner' }, cwd });
    expect(foreign.config.environment).toBe('development');
    expect(foreign.sources.get('environment')).toBe('default');
    expect(loadConfig({ env: { NODE_ENV: 'staging' }, cwd }).sources.get('environment')).toBe('env NODE_ENV');
    expect(
      loadConfig({ env: { NODE_ENV: 'staging', HERMES_ENV: 'production' }, cwd }).config.environment,
    ).toBe('production');
  });

  it('warns when production would run on the embedded database, and not once a server is set', () => {
    const cwd = dirWith('environment: production\n');
    expect(loadConfig({ env: {}, cwd }).warnings).toEqual([
      'environment is production but no DATABASE_URL is set: using the embedded database',
    ]);
    expect(loadConfig({ env: { DATABASE_URL: 'postgres://h/db' }, cwd }).warnings).toEqual([]);
  });
});
