import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { redact } from '../../src/config/redact.ts';
import { configSchema } from '../../src/config/schema.ts';
import { hasCode } from '../../src/errors/hermes-error.ts';

function problems(input: unknown): string[] {
  const parsed = configSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('config: prometheus', () => {
  it('is off by default: the perf gates read /metrics themselves', () => {
    expect(configSchema.parse({}).prometheus).toEqual({ selector: '', timeout: 5_000 });
  });

  it('takes a URL, label matchers and a timeout; HERMES_PROMETHEUS_URL sets the URL', () => {
    const prometheus = configSchema.parse({
      prometheus: {
        url: 'http://127.0.0.1:9090',
        selector: 'job="hermes", instance=~"10\\\\..*",',
        timeout: '2s',
      },
    }).prometheus;
    expect(prometheus).toMatchObject({ url: 'http://127.0.0.1:9090', timeout: 2_000 });
    const { config } = loadConfig({
      env: { HERMES_PROMETHEUS_URL: 'https://prom.example' },
      cwd: '/nonexistent',
    });
    expect(config.prometheus.url).toBe('https://prom.example');
  });

  it('names the key of a bad URL, selector or timeout', () => {
    expect(problems({ prometheus: { url: 'prom:9090' } })).toEqual([
      'prometheus.url: expected an http:// or https:// URL',
    ]);
    expect(problems({ prometheus: { url: 'http://u:p@prom:9090' } })[0]).toBe(
      'prometheus.url: expected a URL without user:password@; put the credentials in prometheus.basicAuth',
    );
    for (const selector of ['job=hermes', '{job="hermes"}', 'job="a" job="b"', 'job=="x"'])
      expect(problems({ prometheus: { selector } }), selector).toEqual([
        'prometheus.selector: expected PromQL label matchers such as job="hermes", env=~"prod.*"',
      ]);
    expect(problems({ prometheus: { timeout: '10ms' } })).toEqual([
      'prometheus.timeout: expected at least 100ms',
    ]);
    try {
      loadConfig({ env: { HERMES_PROMETHEUS_URL: 'nope' }, cwd: '/nonexistent' });
      expect.unreachable('a bad HERMES_PROMETHEUS_URL loaded');
    } catch (error) {
      expect(hasCode(error, 'config_invalid')).toBe(true);
    }
  });

  it('never prints the basic auth password', () => {
    const prometheus = configSchema.parse({
      prometheus: { url: 'http://prom:9090', basicAuth: { username: 'hermes', password: 'pr0m-pass' } }, // secretlint-disable-line -- a fake credential
    }).prometheus;
    expect(JSON.stringify(redact(prometheus))).not.toContain('pr0m-pass');
  });
});
