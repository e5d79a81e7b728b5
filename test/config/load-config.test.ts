import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { redact } from '../../src/config/redact.ts';

function dirWith(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-config-'));
  if (yaml !== undefined) writeFileSync(join(dir, 'hermes.yaml'), yaml);
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

describe('loadConfig', () => {
  it('gives every default with no file and no environment, and says so', () => {
    const { config, sources, file } = loadConfig({ env: {}, cwd: dirWith() });
    expect(file).toBeNull();
    expect(config.server.port).toBe(3000);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.database.url).toBeUndefined();
    expect(config.embedded.dataDir).toBe('.hermes/pgdata');
    expect(sources.get('server.port')).toBe('default');
  });

  it('reads hermes.yaml, lets the environment override it, and records where each value came from', () => {
    const cwd = dirWith('server:\n  port: 4000\n  host: 0.0.0.0\nmigrations:\n  lockTimeoutMs: 1234\n');
    const { config, sources } = loadConfig({ env: { PORT: '5000' }, cwd });
    expect(config.server.port).toBe(5000);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.migrations.lockTimeoutMs).toBe(1234);
    expect(sources.get('server.port')).toBe('env PORT');
    expect(sources.get('server.host')).toBe('file');
    expect(sources.get('log.level')).toBe('default');
  });

  it('accepts POSTGRES_URL as an alias and prefers DATABASE_URL, with a warning when they differ', () => {
    const alias = loadConfig({ env: { POSTGRES_URL: 'postgres://a@h/one' }, cwd: dirWith() });
    expect(alias.config.database.url).toBe('postgres://a@h/one');
    const both = loadConfig({
      env: { POSTGRES_URL: 'postgres://a@h/one', DATABASE_URL: 'postgres://a@h/two' },
      cwd: dirWith(),
    });
    expect(both.config.database.url).toBe('postgres://a@h/two');
    expect(both.warnings.join()).toMatch(/DATABASE_URL and POSTGRES_URL differ/);
  });

  it('names the key, what was expected and what was found, and where it came from', () => {
    const error = failure(() => loadConfig({ env: { PORT: 'eighty' }, cwd: dirWith() }));
    expect(error.exitCode).toBe(2);
    expect(error.details).toEqual(['server.port: expected number, got "eighty" (from env PORT)']);

    const fromFile = failure(() => loadConfig({ env: {}, cwd: dirWith('server:\n  port: 70000\n') }));
    expect(fromFile.details[0]).toMatch(
      /^server\.port: expected number <= 65535, got 70000 \(from .*hermes\.yaml\)$/,
    );
  });

  it('reads the deployment id hermes deploy gives a release from HERMES_DEPLOYMENT_ID, a uuid or nothing', () => {
    expect(loadConfig({ env: {}, cwd: dirWith() }).config.server.deploymentId).toBeNull();
    const id = '0b8c2a57-3f5e-4d2a-9a41-6f3f4f5d9e10';
    expect(loadConfig({ env: { HERMES_DEPLOYMENT_ID: id }, cwd: dirWith() }).config.server.deploymentId).toBe(
      id,
    );
    const error = failure(() => loadConfig({ env: { HERMES_DEPLOYMENT_ID: 'blue' }, cwd: dirWith() }));
    expect(error.details[0]).toMatch(/^server\.deploymentId: .*"blue" \(from env HERMES_DEPLOYMENT_ID\)$/);
  });

  it('rejects unknown keys rather than ignoring a typo', () => {
    const error = failure(() => loadConfig({ env: {}, cwd: dirWith('server:\n  prot: 80\n') }));
    expect(error.details[0]).toMatch(/^server\.prot: unknown key/);
  });

  it('rejects a malformed DATABASE_URL without printing its password', () => {
    const error = failure(
      () => loadConfig({ env: { DATABASE_URL: 'mysql://u:hunter2@h/db' }, cwd: dirWith() }), // secretlint-disable-line -- a fake credential: the test proves it is never printed
    );
    expect(error.details[0]).toMatch(/^database\.url: expected a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(error.details.join()).not.toContain('hunter2');
  });

  it('never prints an item of a secret list, even the one at fault', () => {
    const error = failure(() => loadConfig({ env: { HERMES_ADMIN_API_KEYS: 'tooshort' }, cwd: dirWith() }));
    expect(error.details[0]).toMatch(/^admin\.apiKeys\.0: .*got \[redacted\]/);
    expect(error.details.join()).not.toContain('tooshort');
  });

  it('reads the intake API keys from HERMES_INTAKE_API_KEYS as a list (none by default), never printing one', () => {
    expect(loadConfig({ env: {}, cwd: dirWith() }).config.intake.apiKeys).toEqual([]);
    const keys = ['intake-key-0123456789abcdef', 'second-intake-key-0123456789'];
    const { config, sources } = loadConfig({
      env: { HERMES_INTAKE_API_KEYS: ` ${keys[0]}, ${keys[1]} ` },
      cwd: dirWith(),
    });
    expect(config.intake.apiKeys).toEqual(keys);
    expect(sources.get('intake.apiKeys')).toMatch(/HERMES_INTAKE_API_KEYS/);
    expect(JSON.stringify(redact(config))).not.toContain('intake-key');
    const error = failure(() => loadConfig({ env: { HERMES_INTAKE_API_KEYS: 'tooshort' }, cwd: dirWith() }));
    expect(error.details[0]).toMatch(/^intake\.apiKeys\.0: .*got \[redacted\]/);
    expect(error.details.join()).not.toContain('tooshort');
  });

  it('reports a YAML syntax error and an explicit config path that does not exist', () => {
    expect(failure(() => loadConfig({ env: {}, cwd: dirWith('server: [unclosed\n') })).message).toMatch(
      /cannot read/,
    );
    expect(failure(() => loadConfig({ env: {}, cwd: dirWith(), path: 'nope.yaml' })).message).toMatch(
      /config file not found/,
    );
  });

  it('returns a frozen object', () => {
    const { config } = loadConfig({ env: {}, cwd: dirWith() });
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('redact', () => {
  it('masks URL passwords, secret query parameters and secret-named keys', () => {
    const safe = redact({
      database: { url: 'postgres://hermes:s3cret@db.example:5432/hermes?sslmode=require' }, // secretlint-disable-line -- a fake credential: the test proves it is redacted
      n8n: { signingSecrets: ['whsec_abc'], webhookUrl: 'https://n8n.example/webhook/x?token=t0ken' },
      admin: { apiKeys: ['k1', 'k2'] },
      server: { port: 3000 },
    });
    const text = JSON.stringify(safe);
    for (const secret of ['s3cret', 'whsec_abc', 't0ken', 'k1', 'k2']) expect(text).not.toContain(secret);
    expect(text).toContain('db.example:5432');
    expect(text).toContain('3000');
  });
});
