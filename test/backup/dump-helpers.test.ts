import { describe, expect, it } from 'vitest';
import { backupBaseName, nthBackupName } from '../../src/backup/backup-name.ts';
import { reportedVersion, serverMajor, versionMajor } from '../../src/backup/find-pg-dump.ts';
import { libpqTarget, maskSecrets } from '../../src/backup/libpq-target.ts';

describe('libpqTarget', () => {
  it('moves the password out of the URL into PGPASSWORD, decoded', () => {
    const url = 'postgres://app:p%40ss%2Fw@db.example:5433/hermes?application_name=x'; // secretlint-disable-line -- a fake credential: the test proves it leaves the URL
    const target = libpqTarget(url);
    expect(target.dbname).toBe('postgres://app@db.example:5433/hermes?application_name=x');
    expect(target.env).toEqual({ PGPASSWORD: 'p@ss/w' });
    expect(target.secrets).toEqual(['p%40ss%2Fw', 'p@ss/w']);
  });

  it('takes a password given as a query parameter too, and leaves a URL without one as it is', () => {
    const target = libpqTarget('postgresql://app@db/hermes?password=s3cret');
    expect(target.dbname).toBe('postgresql://app@db/hermes');
    expect(target.env).toEqual({ PGPASSWORD: 's3cret' });
    expect(target.secrets).toEqual(['s3cret']);
    expect(libpqTarget('postgres://postgres@127.0.0.1:5432/x')).toEqual({
      dbname: 'postgres://postgres@127.0.0.1:5432/x',
      env: {},
      secrets: [],
    });
  });

  it("translates node-postgres's TLS parameters, which libpq refuses, into sslmode", () => {
    expect(libpqTarget('postgres://u@h/d?ssl=true').dbname).toBe('postgres://u@h/d?sslmode=require');
    expect(libpqTarget('postgres://u@h/d?ssl=false').dbname).toBe('postgres://u@h/d');
    expect(libpqTarget('postgres://u@h/d?ssl=0').dbname).toBe('postgres://u@h/d');
    expect(libpqTarget('postgres://u@h/d?sslmode=no-verify&uselibpqcompat=true').dbname).toBe(
      'postgres://u@h/d?sslmode=require',
    );
    expect(libpqTarget('postgres://u@h/d?ssl=1&sslmode=verify-full').dbname).toBe(
      'postgres://u@h/d?sslmode=verify-full',
    );
  });

  it('masks every secret in output', () => {
    expect(maskSecrets('auth p@ss failed for p@ss', ['p@ss'])).toBe('auth [redacted] failed for [redacted]');
    expect(maskSecrets('nothing here', [])).toBe('nothing here');
  });
});

describe('backup names and versions', () => {
  it('names a backup by its UTC minute, whatever the local time zone, and numbers later ones', () => {
    expect(backupBaseName(new Date('2025-03-04T05:06:59.999Z'))).toBe('2025-03-04-05-06');
    expect(backupBaseName(new Date('2025-12-31T23:59:00+02:00'))).toBe('2025-12-31-21-59');
    expect(nthBackupName('2025-03-04-05-06', 1)).toBe('2025-03-04-05-06');
    expect(nthBackupName('2025-03-04-05-06', 2)).toBe('2025-03-04-05-06-2');
    expect(nthBackupName('2025-03-04-05-06', 12)).toBe('2025-03-04-05-06-12');
  });

  it('reads major versions as PostgreSQL numbers them (one part from 10, two before)', () => {
    expect(serverMajor(150020)).toBe('15');
    expect(serverMajor(180001)).toBe('18');
    expect(serverMajor(90624)).toBe('9.6');
    expect(reportedVersion('pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n')).toBe('15.20');
    expect(reportedVersion('pg_dump: unknown')).toBeUndefined();
    expect(versionMajor('15.20')).toBe('15');
    expect(versionMajor('17devel')).toBe('17');
    expect(versionMajor('9.6.24')).toBe('9.6');
    expect(versionMajor('9')).toBe('9.0');
    expect(versionMajor('devel')).toBe('devel.0');
  });
});
