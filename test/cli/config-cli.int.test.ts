import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKeys, isInSection } from '../../src/config/config-keys.ts';
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

  it('lists every key of the schema, unset ones as unset, with and without --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-config-cli-'));
    const result = await runCli(['config', 'print'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/n8n\.webhookUrl +unset: leads wait in the outbox +\(default\)/);
    expect(result.stdout).toMatch(/gates\.thresholds\.db\.schemaBreaking\.baselineRef +unset +\(default\)/);
    // An optional mapping lists its keys: what can be set is visible before it is.
    expect(result.stdout).toMatch(/n8n\.headerAuth\.secret +unset +\(default\)/);
    expect(result.stdout).toMatch(/gates\.overrides +\{\} +\(default\)/);

    const json = await runCli(['--json', 'config', 'print'], {
      cwd: dir,
      env: { HERMES_ADMIN_API_KEYS: 'k'.repeat(20) },
    });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      keys: { key: string; set: boolean; value?: unknown; source: string }[];
    };
    expect(parsed.keys).toContainEqual({ key: 'n8n.healthUrl', set: false, source: 'default' });
    expect(parsed.keys).toContainEqual({
      key: 'admin.apiKeys',
      set: true,
      value: ['[redacted]'],
      source: 'env HERMES_ADMIN_API_KEYS',
    });
    expect(json.stdout).not.toContain('k'.repeat(20));
  });

  it('prints only the section asked for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-config-cli-'));
    const result = await runCli(['config', 'print', 'intake.rateLimit'], { cwd: dir });
    expect(result.code).toBe(0);
    const rows = result.stdout.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(rows.map((row) => row.split(' ')[0])).toEqual([
      'intake.rateLimit.enabled',
      'intake.rateLimit.perIpMax',
      'intake.rateLimit.perIpWindowMs',
      'intake.rateLimit.perEmailMax',
      'intake.rateLimit.perEmailWindowMs',
    ]);

    const json = await runCli(['--json', 'config', 'print', 'delivery'], { cwd: dir });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      section: string;
      config: Record<string, unknown>;
      keys: { key: string }[];
    };
    expect(parsed.section).toBe('delivery');
    expect(parsed.config).toHaveProperty('workerInServe', true);
    expect(parsed.keys.length).toBeGreaterThan(0);
    expect(parsed.keys.every((row) => row.key.startsWith('delivery.'))).toBe(true);
    // Every setting of the section, not some of them.
    expect(parsed.keys.map((row) => row.key)).toEqual(
      configKeys()
        .filter((key) => key.kind === 'setting' && isInSection(key.path, 'delivery'))
        .map((key) => key.path),
    );
  });

  it('exits 2 naming the known sections for an unknown one, whatever the config holds', async () => {
    const top = await runCli(['config', 'print', 'deliveries'], { env: { PORT: 'abc' } });
    expect(top.code).toBe(2);
    expect(top.stdout).toBe('');
    expect(top.stderr).toContain("unknown config section 'deliveries'");
    for (const section of ['database', 'server', 'intake', 'admin', 'gates', 'n8n', 'delivery'])
      expect(top.stderr).toContain(section);

    const nested = await runCli(['config', 'print', 'intake.rateLimt']);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain(
      "unknown config section 'intake.rateLimt': intake's sections are intake.rateLimit",
    );
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
