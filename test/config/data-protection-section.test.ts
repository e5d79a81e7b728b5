import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { redact } from '../../src/config/redact.ts';
import { configSchema } from '../../src/config/schema.ts';
import { dataKeyProblems, parseDataKey } from '../../src/config/sections/data-protection.ts';
import { hasCode } from '../../src/errors/hermes-error.ts';
import { dataKeyWarning, resolveDataKeys } from '../../src/leads/encryption/resolve-data-keys.ts';

const material = randomBytes(32).toString('base64');
const k1 = `k1:${material}`;
const k2 = `k2:${randomBytes(32).toString('base64url')}`;
const devKey = `dev:${resolveDataKeys({ environment: 'test', dataProtection: { keys: [] } }).ring.current.key.toString('base64')}`;

function configError(work: () => unknown): ConfigError {
  try {
    work();
  } catch (error) {
    expect(hasCode(error, 'config_invalid')).toBe(true);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config: dataProtection.keys (HERMES_DATA_KEY)', () => {
  it('parses <id>:<base64 of 32 bytes>, base64 or base64url', () => {
    expect(parseDataKey(k1)).toEqual({ id: 'k1', key: Buffer.from(material, 'base64') });
    expect(parseDataKey(k2)).toMatchObject({ id: 'k2' });
  });

  it('says which key is wrong, what it expected and what it got, never the key material', () => {
    const short = `k3:${randomBytes(16).toString('base64')}`;
    const problems = dataKeyProblems([k1, short, 'no-colon', 'b@d:xxxx', 'k4:not*base64', k1]);
    expect(problems.map((p) => p.index)).toEqual([1, 2, 3, 4, 5]);
    const text = problems.map((p) => p.message).join('\n');
    expect(problems[0]?.message).toMatch(
      /^key "k3" decodes to 16 bytes: expected <id>:<base64 of 32 random bytes>/,
    );
    expect(problems[1]?.message).toContain('a value without a colon');
    expect(problems[2]?.message).toContain('key id "b@d" is not 1 to 32 letters');
    expect(problems[3]?.message).toContain('not base64');
    expect(problems[4]?.message).toBe('key "k1": the id is given twice');
    expect(text).not.toContain(material);
    expect(dataKeyProblems([`dev:${material}`])[0]?.message).toContain('reserved');
  });

  it('reads HERMES_DATA_KEY, comma-separated, and reports a bad one naming it, redacted', () => {
    const { config } = loadConfig({ env: { HERMES_DATA_KEY: `${k2}, ${k1}` }, cwd: '/nonexistent' });
    expect(config.dataProtection.keys).toEqual([k2, k1]);
    const ring = resolveDataKeys(config).ring;
    expect(ring.current.id).toBe('k2');
    expect([...ring.byId.keys()]).toEqual(['k2', 'k1', 'dev']);
    const error = configError(() =>
      loadConfig({ env: { HERMES_DATA_KEY: `k1:${material.slice(0, 20)}` }, cwd: '/nonexistent' }),
    );
    const details = error.details.join('\n');
    expect(details).toContain('dataProtection.keys.0: key "k1" decodes to 15 bytes: expected');
    expect(details).toContain('(from env HERMES_DATA_KEY)');
    expect(details).not.toContain(material.slice(0, 20));
  });

  it('is redacted wherever the configuration is printed', () => {
    const parsed = configSchema.parse({ dataProtection: { keys: [k1] } });
    expect(JSON.stringify(redact(parsed))).not.toContain(material);
  });

  it('falls back to the development key outside production, with a warning', () => {
    const resolved = resolveDataKeys({ environment: 'development', dataProtection: { keys: [] } });
    expect(resolved.development).toBe(true);
    expect(resolved.ring.current.id).toBe('dev');
    expect(dataKeyWarning({ environment: 'staging', dataProtection: { keys: [] } })).toContain(
      'HERMES_DATA_KEY',
    );
    expect(dataKeyWarning({ environment: 'production', dataProtection: { keys: [k1] } })).toBeUndefined();
  });

  it('refuses production without a key, or with the development key, naming HERMES_DATA_KEY', () => {
    for (const keys of [[], [devKey]]) {
      const error = configError(() =>
        dataKeyWarning({ environment: 'production', dataProtection: { keys } }),
      );
      expect(error.details.join('\n')).toMatch(/^HERMES_DATA_KEY: .*development key/);
    }
  });
});
