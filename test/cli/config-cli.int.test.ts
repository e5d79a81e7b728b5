import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

describe('hermes config (subprocess)', () => {
  it("prints the effective config with each value's source and no secret", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-config-cli-'));
    const file = join(dir, 'hermes.yaml');
    writeFileSync(file, 'server:\n  host: 0.0.0.0\n');
    const result = await runCli(['config', 'print'], {
      env: {
        HERMES_CONFIG: file,
        DATABASE_URL: 'postgres://hermes:Sup3rSecret@db.internal:5432/hermes', // secretlint-disable-line -- a fake credential: the test proves it is redacted
        PORT: '8080',
      },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Sup3rSecret');
    expect(result.stdout).toMatch(
      /database\.url +"postgres:\/\/hermes:redacted@db\.internal:5432\/hermes" +\(env DATABASE_URL\)/,
    );
    expect(result.stdout).toMatch(/server\.port +8080 +\(env PORT\)/);
    expect(result.stdout).toMatch(/server\.host +"0\.0\.0\.0" +\(file\)/);
    expect(result.stdout).toMatch(/log\.level +"info" +\(default\)/);
  });

  it('exits 2 naming the key, the expectation and the value for a bad setting', async () => {
    const result = await runCli(['config', 'validate'], { env: { PORT: 'abc' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('server.port: expected number, got "abc" (from env PORT)');
    expect(result.stdout).toBe('');
  });

  it('exits 2 when a command needs config that is invalid, before touching anything', async () => {
    const result = await runCli(['migrate', 'status'], { env: { DATABASE_URL: 'not a url' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('database.url: expected a postgres:// or postgresql:// URL');
  });

  it('exits 2 on a usage error and 0 for --help', async () => {
    expect((await runCli(['migrate', 'sideways'])).code).toBe(2);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'config']) expect(help.stdout).toContain(command);
  });
});
