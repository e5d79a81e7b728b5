import { describe, expect, it } from 'vitest';
import { DumpError } from '../../../../src/backup/dump-error.ts';
import { dumpFailureOutcome } from '../../../../src/gates/builtin/deploy/backup.ts';
import { sizeText } from '../../../../src/text/size-text.ts';

describe('dumpFailureOutcome', () => {
  it('is an error when no pg_dump fits the server: the step could not judge', () => {
    expect(dumpFailureOutcome(new DumpError('no-pg-dump', 'no pg_dump for PostgreSQL 16'))).toEqual({
      status: 'error',
      summary: "no pg_dump for the server's version",
      reason: 'no pg_dump for PostgreSQL 16',
    });
  });

  it("fails with pg_dump's output when the dump failed", () => {
    const outcome = dumpFailureOutcome(
      new DumpError('failed', 'pg_dump exited with code 1: denied', 'pg_dump: denied'),
    );
    expect(outcome).toEqual({
      status: 'fail',
      summary: 'no backup taken: pg_dump exited with code 1: denied',
      evidence: [{ kind: 'output', title: 'pg_dump output', content: 'pg_dump: denied' }],
    });
  });

  it('fails when its own timeout stopped pg_dump, and is an error when the run was cancelled', () => {
    const stopped = new DumpError('stopped', 'pg_dump was stopped before it finished');
    expect(dumpFailureOutcome(stopped, 90_000)).toEqual({
      status: 'fail',
      summary: 'pg_dump did not finish within 1 min 30 s: no backup taken',
      evidence: [],
    });
    expect(dumpFailureOutcome(stopped)).toMatchObject({
      status: 'error',
      summary: 'the backup was cancelled',
    });
  });
});

describe('sizeText', () => {
  it('shows KB below a megabyte, MB from one', () => {
    expect(sizeText(2_560)).toBe('2.5 KB');
    expect(sizeText(3 * 1024 * 1024 + 512 * 1024)).toBe('3.5 MB');
  });
});
