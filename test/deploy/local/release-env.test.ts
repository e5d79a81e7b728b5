import { describe, expect, it } from 'vitest';
import { releaseEnvironment } from '../../../src/deploy/local/release-env.ts';

describe('releaseEnvironment', () => {
  it('passes on what a release needs of the deploying environment and nothing else', () => {
    const env = releaseEnvironment(
      {
        PATH: '/usr/bin:/bin',
        HOME: '/home/deploy',
        LANG: 'C.UTF-8',
        TZ: 'UTC',
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://app@db/app',
        POSTGRES_URL: 'postgres://alias@db/app',
        HERMES_N8N_WEBHOOK_URL: 'https://n8n.example/webhook/lead',
        PGPASSWORD: 'secret',
        PGHOST: 'db',
        SECRET_X: 'never',
        AWS_SECRET_ACCESS_KEY: 'never',
        SHELL: '/bin/bash',
        UNSET: undefined,
      },
      {},
      {},
    );
    expect(env).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/deploy',
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://app@db/app',
      POSTGRES_URL: 'postgres://alias@db/app',
      HERMES_N8N_WEBHOOK_URL: 'https://n8n.example/webhook/lead',
      PGPASSWORD: 'secret',
      PGHOST: 'db',
      HERMES_TRUST_PROXY: '127.0.0.1',
    });
  });

  it('lets deploy.env override the deploying environment, and the --env pairs override both', () => {
    const env = releaseEnvironment(
      { DATABASE_URL: 'postgres://from-shell/app', HERMES_RATE_LIMIT: 'on', LOG_LEVEL: 'debug' },
      { DATABASE_URL: 'postgres://from-config/app', HERMES_RATE_LIMIT: 'off', FEATURE: 'config' },
      { HERMES_RATE_LIMIT: 'on', FEATURE: 'given', EXTRA: '1' },
    );
    expect(env).toEqual({
      DATABASE_URL: 'postgres://from-config/app',
      HERMES_RATE_LIMIT: 'on',
      // deploy.env and --env are the team's own choice: passed on whatever their names.
      FEATURE: 'given',
      EXTRA: '1',
      HERMES_TRUST_PROXY: '127.0.0.1',
    });
  });

  it('drops the variables the target sets per colour, from every source', () => {
    const owned = {
      PORT: '9999',
      HOST: '0.0.0.0',
      HERMES_DEPLOYMENT_ID: '00000000-0000-4000-8000-000000000000',
      HERMES_ROLE_FILE: '/tmp/role',
      HERMES_CONFIG: '/tmp/hermes.yaml',
    };
    const env = releaseEnvironment(owned, owned, { ...owned, HERMES_ENV: 'production' });
    expect(env).toEqual({ HERMES_ENV: 'production', HERMES_TRUST_PROXY: '127.0.0.1' });
  });

  it('trusts nginx’s address for the client’s unless the release says whom to trust', () => {
    expect(releaseEnvironment({}, {}, {})).toEqual({ HERMES_TRUST_PROXY: '127.0.0.1' });
    expect(releaseEnvironment({ HERMES_TRUST_PROXY: '10.0.0.1' }, {}, {})).toEqual({
      HERMES_TRUST_PROXY: '10.0.0.1',
    });
    expect(releaseEnvironment({}, { HERMES_TRUST_PROXY: '10.0.0.2' }, {})['HERMES_TRUST_PROXY']).toBe(
      '10.0.0.2',
    );
    expect(releaseEnvironment({}, {}, { HERMES_TRUST_PROXY: '2' })['HERMES_TRUST_PROXY']).toBe('2');
  });

  it('passes HERMES_FAULTS on, from the deploying shell or from --env (a drill)', () => {
    const faults = '{"errorRate":0.3,"startAfterMs":60000}';
    expect(releaseEnvironment({}, {}, { HERMES_FAULTS: faults }).HERMES_FAULTS).toBe(faults);
    expect(releaseEnvironment({ HERMES_FAULTS: faults }, {}, {}).HERMES_FAULTS).toBe(faults);
  });
});
