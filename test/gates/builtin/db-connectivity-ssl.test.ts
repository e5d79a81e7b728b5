import { describe, expect, it } from 'vitest';
import { isLoopbackUrl, judgeSsl } from '../../../src/gates/builtin/db/connectivity.ts';

const noSsl = { ssl: false, version: null };
const remote = { embedded: false, loopback: false };
const production = ['production'] as const;

describe('db.connectivity: what SSL, or its absence, means here', () => {
  it('passes with a note, not a warning, without SSL in development and test, or on this machine', () => {
    const development = judgeSsl({
      ssl: noSsl,
      environment: 'development',
      requireSslIn: production,
      ...remote,
    });
    expect(development).toMatchObject({ status: 'pass', note: 'no SSL (fine in development)' });
    // The measurement shows the fact without a verdict the status would contradict.
    expect(development.measurement).toEqual({ name: 'ssl', value: 0, unit: 'bool' });
    expect(development.evidence?.content).toContain('SSL is required in production');

    expect(judgeSsl({ ssl: noSsl, environment: 'test', requireSslIn: production, ...remote }).status).toBe(
      'pass',
    );
    const local = judgeSsl({
      ssl: noSsl,
      environment: 'staging',
      requireSslIn: production,
      embedded: false,
      loopback: true,
    });
    expect(local).toMatchObject({
      status: 'pass',
      note: 'no SSL (fine here: the database is on this machine)',
    });
    const embedded = judgeSsl({
      ssl: noSsl,
      environment: 'development',
      requireSslIn: production,
      embedded: true,
      loopback: true,
    });
    expect(embedded.note).toBe('no SSL (fine here: the embedded database)');
  });

  it('warns without SSL on a remote database in staging, or in production when not required there', () => {
    const staging = judgeSsl({ ssl: noSsl, environment: 'staging', requireSslIn: production, ...remote });
    expect(staging).toMatchObject({ status: 'warn', note: 'no SSL: SSL is expected in staging' });
    expect(staging.measurement.passed).toBeUndefined();
    expect(staging.evidence).toBeUndefined();
    expect(judgeSsl({ ssl: noSsl, environment: 'production', requireSslIn: [], ...remote }).status).toBe(
      'warn',
    );
  });

  it('fails without SSL where requireSslIn names the environment, even on this machine', () => {
    const required = judgeSsl({
      ssl: noSsl,
      environment: 'production',
      requireSslIn: production,
      embedded: false,
      loopback: true,
    });
    expect(required).toMatchObject({ status: 'fail', note: 'no SSL: SSL is required in production' });
    expect(required.measurement).toMatchObject({ value: 0, threshold: 1, passed: false });
  });

  it('passes with SSL, judging the measurement only where SSL is required', () => {
    const tls = { ssl: true, version: 'TLSv1.3' };
    const prod = judgeSsl({ ssl: tls, environment: 'production', requireSslIn: production, ...remote });
    expect(prod).toMatchObject({ status: 'pass', note: 'SSL (TLSv1.3)', measurement: { passed: true } });
    const dev = judgeSsl({ ssl: tls, environment: 'development', requireSslIn: production, ...remote });
    expect(dev.measurement).toEqual({ name: 'ssl', value: 1, unit: 'bool' });
  });
});

describe('db.connectivity: a database on this machine', () => {
  it('knows loopback addresses, localhost and Unix sockets from remote hosts', () => {
    expect(isLoopbackUrl('postgresql://u:p@127.0.0.1:5432/db')).toBe(true);
    expect(isLoopbackUrl('postgresql://u@127.1.2.3/db')).toBe(true);
    expect(isLoopbackUrl('postgres://u@LOCALHOST/db')).toBe(true);
    expect(isLoopbackUrl('postgresql://u@[::1]:5432/db')).toBe(true);
    expect(isLoopbackUrl('postgresql:///db?host=/var/run/postgresql')).toBe(true);
    expect(isLoopbackUrl('postgresql://%2Fvar%2Frun%2Fpostgresql/db')).toBe(true);
    expect(isLoopbackUrl('postgresql://u@db.example.com:5432/db')).toBe(false);
    expect(isLoopbackUrl('postgresql://u@10.0.0.5/db')).toBe(false);
    expect(isLoopbackUrl('postgresql://u@127.example.com/db')).toBe(false);
    expect(isLoopbackUrl('postgresql://u@localhost/db?host=db.example.com')).toBe(false);
    expect(isLoopbackUrl('not a url')).toBe(false);
  });
});
