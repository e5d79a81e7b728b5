import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './in-process-cli.ts';

let config: string;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-config-output-'));
  config = join(dir, 'hermes.yaml');
  writeFileSync(
    config,
    [
      'gates:',
      '  custom:',
      "    - { id: shell.x, kind: shell, stage: deploy, command: 'true' }",
      '  overrides:',
      '    code.lint: { advisory: true }',
      '',
    ].join('\n'),
  );
});

const hermes = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCliInProcess(args, { env: { HERMES_CONFIG: config, ...env } });

describe('hermes config: sources of records and lists, sections, validate', () => {
  it('a record set in the file is one row per entry, a list one row; both from the file', async () => {
    const printed = await hermes(['config', 'print', 'gates']);
    expect(printed.code, printed.stderr).toBe(0);
    const lines = printed.stdout.split('\n');
    expect(lines[0]).toBe(`# config file: ${config}`);
    expect(lines).toContainEqual(
      expect.stringMatching(/^gates\.overrides\.code\.lint\.advisory +true {2}\(file\)$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^gates\.custom +\[\{"id":"shell\.x","stage":"deploy",.*"command":"true".*\}\] {2}\(file\)$/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^gates\.concurrency +4 {2}\(default\)$/));
  });

  it('--json of an unset setting as its section: config null, the key unset', async () => {
    const printed = await hermes(['--json', 'config', 'print', 'database.url']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual({
      file: config,
      build: null,
      section: 'database.url',
      config: null,
      sources: { 'database.url': 'default' },
      keys: [{ key: 'database.url', set: false, source: 'default' }],
    });
  });

  it('an unknown key in a section without subsections names its keys', async () => {
    const unknown = await hermes(['config', 'print', 'embedded.dir']);
    expect(unknown).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "hermes: unknown config section 'embedded.dir': embedded's keys are embedded.dataDir, embedded.maxConnections [usage_invalid]\n" +
        '    run `hermes config print` for every key\n',
    });
  });

  it('validate names the file, and prints each warning of the config on stderr (and in --json)', async () => {
    expect(await hermes(['config', 'validate'])).toEqual({
      code: 0,
      stdout: `config valid (${config})\n`,
      stderr: '',
    });
    const env = {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/a',
      POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/b',
    };
    const warned = await hermes(['config', 'validate'], env);
    expect(warned).toEqual({
      code: 0,
      stdout: `config valid (${config})\n`,
      stderr: 'hermes: warning: DATABASE_URL and POSTGRES_URL differ; using DATABASE_URL\n',
    });
    const json = await hermes(['--json', 'config', 'validate'], env);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: true,
      file: config,
      warnings: ['DATABASE_URL and POSTGRES_URL differ; using DATABASE_URL'],
    });
  });
});
