import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { hasCode } from '../../../src/errors/hermes-error.ts';
import { parseFaultSpec, resolveFaults } from '../../../src/intake/faults/fault-spec.ts';
import { healthFaulted, requestFault } from '../../../src/intake/faults/fault-decision.ts';
import { unknownRoutes } from '../../../src/intake/plugins/faults.ts';

/** The details of the ConfigError `run` throws. */
function problems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (hasCode(error, 'config_invalid')) return error.details;
    throw error;
  }
  throw new Error('no error thrown');
}

const config = (yaml: Record<string, unknown> = {}) => configSchema.parse(yaml);

describe('parseFaultSpec', () => {
  it('is undefined when unset or empty', () => {
    expect(parseFaultSpec(undefined)).toBeUndefined();
    expect(parseFaultSpec('  ')).toBeUndefined();
  });

  it('fills the defaults', () => {
    expect(parseFaultSpec('{"errorRate":0.3}')).toEqual({
      errorRate: 0.3,
      latencyMs: 0,
      routes: ['POST /api/contact'],
      startAfterMs: 0,
    });
    expect(parseFaultSpec('{"failHealth":"n8n","latencyMs":1500,"routes":["GET /"]}')).toMatchObject({
      failHealth: 'n8n',
      latencyMs: 1500,
      routes: ['GET /'],
    });
  });

  it('names the field, what was expected and what was found', () => {
    expect(problems(() => parseFaultSpec('{"errorRate":1.5}'))).toEqual([
      'HERMES_FAULTS.errorRate: expected number <= 1, got 1.5',
    ]);
    expect(problems(() => parseFaultSpec('{"latencyMs":-1}'))).toEqual([
      'HERMES_FAULTS.latencyMs: expected number >= 0, got -1',
    ]);
    expect(problems(() => parseFaultSpec('{"failHealth":"redis"}'))).toEqual([
      'HERMES_FAULTS.failHealth: expected one of "database", "n8n", got "redis"',
    ]);
    expect(problems(() => parseFaultSpec('{"routes":["/api/contact"]}'))[0]).toMatch(
      /^HERMES_FAULTS\.routes\.0: expected "<METHOD> <route pattern>".*got "\/api\/contact"$/,
    );
    expect(problems(() => parseFaultSpec('{"errorrate":0.3}'))).toEqual([
      'HERMES_FAULTS.errorrate: unknown key (expected one of errorRate, latencyMs, routes, startAfterMs, failHealth)',
    ]);
    expect(problems(() => parseFaultSpec('0.3'))).toEqual(['HERMES_FAULTS: expected object, got 0.3']);
  });

  it('refuses JSON that does not parse', () => {
    expect(problems(() => parseFaultSpec('{errorRate: 0.3}'))[0]).toMatch(
      /^HERMES_FAULTS: expected JSON such as \{"errorRate": 0\.3\}, got "\{errorRate: 0\.3\}"/,
    );
  });
});

describe('resolveFaults', () => {
  const spec = '{"errorRate":1}';

  it('ignores a spec that injects nothing', () => {
    expect(resolveFaults('{"routes":["GET /"]}', { config: config(), nodeEnv: undefined })).toBeUndefined();
  });

  it('refuses production, naming the setting that allows it', () => {
    for (const context of [
      { config: config({ environment: 'production' }), nodeEnv: undefined },
      // NODE_ENV=production counts even when HERMES_ENV says staging.
      { config: config({ environment: 'staging' }), nodeEnv: 'production' },
    ]) {
      const [problem] = problems(() => resolveFaults(spec, context));
      expect(problem).toContain('faults.allowInProduction: true');
    }
  });

  it('allows production with faults.allowInProduction', () => {
    const allowed = config({ environment: 'production', faults: { allowInProduction: true } });
    expect(resolveFaults(spec, { config: allowed, nodeEnv: 'production' })?.errorRate).toBe(1);
    expect(
      resolveFaults(spec, { config: config({ environment: 'staging' }), nodeEnv: 'test' }),
    ).toBeDefined();
  });
});

describe('the fault decisions', () => {
  const spec = parseFaultSpec('{"errorRate":0.3,"latencyMs":20,"startAfterMs":100,"failHealth":"database"}');
  if (spec === undefined) throw new Error('unreachable');
  const never = () => {
    throw new Error('random drawn');
  };

  it('begins startAfterMs after the server is ready', () => {
    expect(requestFault(spec, 'POST /api/contact', undefined, never)).toBeUndefined();
    expect(requestFault(spec, 'POST /api/contact', 99, never)).toBeUndefined();
    expect(requestFault(spec, 'POST /api/contact', 100, () => 0.5)).toEqual({ delayMs: 20, fail: false });
    expect(healthFaulted(spec, 'database', 99)).toBe(false);
    expect(healthFaulted(spec, 'database', 100)).toBe(true);
    expect(healthFaulted(spec, 'n8n', 100)).toBe(false);
  });

  it('fails a request when the draw is below errorRate', () => {
    expect(requestFault(spec, 'POST /api/contact', 200, () => 0.29)?.fail).toBe(true);
    expect(requestFault(spec, 'POST /api/contact', 200, () => 0.3)?.fail).toBe(false);
  });

  it('touches only the routes named', () => {
    expect(requestFault(spec, 'GET /', 200, never)).toBeUndefined();
    expect(requestFault(spec, 'GET /api/contact', 200, never)).toBeUndefined();
  });

  it('draws nothing when no request is to fail, and gives none without latency', () => {
    const latencyOnly = { ...spec, errorRate: 0 };
    expect(requestFault(latencyOnly, 'POST /api/contact', 200, never)).toEqual({ delayMs: 20, fail: false });
    expect(requestFault({ ...latencyOnly, latencyMs: 0 }, 'POST /api/contact', 200, never)).toBeUndefined();
  });

  it('names the routes a server does not have', () => {
    const has = (method: string, url: string) => method === 'POST' && url === '/api/contact';
    expect(unknownRoutes(['POST /api/contact', 'POST /api/contacts', 'GET /api/contact'], has)).toEqual([
      'POST /api/contacts',
      'GET /api/contact',
    ]);
  });
});
