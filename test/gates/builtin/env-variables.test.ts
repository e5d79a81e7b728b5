import { describe, expect, it } from 'vitest';
import { variablesGate } from '../../../src/gates/builtin/env/variables.ts';
import { judged } from '../support/judged.ts';
import { gateContext } from './support/gate-context.ts';

const productionEnv = {
  DATABASE_URL: 'postgres://app:s3cret-pass@db.internal:5432/hermes?sslmode=require', // secretlint-disable-line -- a fake credential for the URL checks
  POSTGRES_URL: 'postgres://app:s3cret-pass@db.internal:5432/hermes?sslmode=require', // secretlint-disable-line -- a fake credential for the URL checks
  NODE_ENV: 'production',
  VERCEL_ENV: 'production',
};

const run = (env: NodeJS.ProcessEnv, environment = 'production', extra: Record<string, unknown> = {}) =>
  variablesGate.run(gateContext({ env, config: { environment, ...extra } }));

describe('env.variables', () => {
  it('passes in production with every spec variable set and valid', async () => {
    const outcome = await run(productionEnv);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      'environment production: DATABASE_URL, POSTGRES_URL, NODE_ENV, VERCEL_ENV set, values valid',
    );
    expect(judged(outcome)).toEqual([
      { name: 'missing required variables', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'invalid values', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
  });

  it('passes in development with nothing set (the embedded database)', async () => {
    const outcome = await run({}, 'development');
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe('environment development: no variable required, values valid');
    expect(outcome.measurements?.find((m) => m.name === 'required variables')?.value).toBe(0);
  });

  it('fails naming a missing variable', async () => {
    const { VERCEL_ENV: _dropped, ...env } = productionEnv;
    const outcome = await run(env);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('missing VERCEL_ENV');
    expect(judged(outcome)).toEqual([
      { name: 'missing required variables', value: 1, threshold: 0, comparison: '==', passed: false },
      { name: 'invalid values', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
    const rows = outcome.evidence?.[0]?.content;
    expect(rows).toContainEqual({ variable: 'VERCEL_ENV', required: true, set: false });
  });

  it('fails naming a malformed DATABASE_URL without printing it', async () => {
    const outcome = await run({
      ...productionEnv,
      DATABASE_URL: 'mysql://app:s3cret-pass@db.internal/hermes', // secretlint-disable-line -- a fake credential: the test proves it is not printed
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('DATABASE_URL is malformed (expected postgres:// or postgresql://)');
    expect(JSON.stringify(outcome)).not.toContain('s3cret-pass');
  });

  it('fails a database URL without a database name', async () => {
    const outcome = await run({ ...productionEnv, POSTGRES_URL: 'postgres://app@db.internal:5432' });
    expect(outcome.status).toBe('fail');
    expect(outcome.measurements?.find((m) => m.name === 'invalid values')).toMatchObject({
      value: 1,
      passed: false,
    });
    expect(outcome.summary).toContain('POSTGRES_URL is malformed (no database name)');
  });

  it('fails values of NODE_ENV and VERCEL_ENV outside the allowed sets, and contradictions', async () => {
    const outcome = await run({ ...productionEnv, NODE_ENV: 'prod', VERCEL_ENV: 'live' }, 'staging');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('NODE_ENV="prod" is not one of development, test, production');
    expect(outcome.summary).toContain('VERCEL_ENV="live" is not one of development, preview, production');
    const contradiction = await run({ ...productionEnv, NODE_ENV: 'development' }, 'staging');
    expect(contradiction.summary).toBe('VERCEL_ENV=production with NODE_ENV=development');
  });

  it('reads the per-environment required set from config', async () => {
    const outcome = await run({}, 'development', {
      gates: { thresholds: { env: { variables: { required: { development: ['DATABASE_URL'] } } } } },
    });
    expect(outcome.summary).toBe('missing DATABASE_URL');
    const info = variablesGate.thresholds?.(
      gateContext({
        config: {
          gates: { thresholds: { env: { variables: { required: { development: ['DATABASE_URL'] } } } } },
        },
      }).config,
    );
    expect(info?.find((t) => t.key === 'gates.thresholds.env.variables.required')?.source).toBe('file');
    expect(info?.find((t) => t.key === 'gates.thresholds.env.variables.nodeEnvValues')?.source).toBe(
      'default',
    );
  });
});

describe('env.variables in production', () => {
  const other = 'postgres://app:s3cret-pass@replica.internal:5432/hermes?sslmode=require'; // secretlint-disable-line -- a fake credential for the URL checks

  it('fails when DATABASE_URL and POSTGRES_URL name different databases, without printing either', async () => {
    const outcome = await run({ ...productionEnv, POSTGRES_URL: other });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('DATABASE_URL and POSTGRES_URL name different databases');
    expect(JSON.stringify(outcome)).not.toContain('s3cret-pass');
  });

  it('only warns about it outside production', async () => {
    const outcome = await run(
      { ...productionEnv, POSTGRES_URL: other, NODE_ENV: 'test', VERCEL_ENV: 'preview' },
      'staging',
    );
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(outcome.summary).toContain('DATABASE_URL and POSTGRES_URL name different databases');
  });

  it('takes two spellings of one database as one (options and password aside)', async () => {
    const outcome = await run({
      ...productionEnv,
      POSTGRES_URL: 'postgresql://app:other-pass@DB.internal/hermes', // secretlint-disable-line -- a fake credential for the URL checks
    });
    expect(outcome.status, outcome.summary).toBe('pass');
  });

  it('requires NODE_ENV even when the configured list leaves it out', async () => {
    const { NODE_ENV: _dropped, ...env } = productionEnv;
    const outcome = await run(env, 'production', {
      gates: { thresholds: { env: { variables: { required: { production: ['DATABASE_URL'] } } } } },
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('missing NODE_ENV');
  });
});
