import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeLoss, scanDataLoss } from '../../src/cli/commands/migrate/down-plan.ts';

describe('scanDataLoss: what a down migration says it throws away', () => {
  it('finds dropped tables, dropped columns, truncations and a cascading schema drop', () => {
    const sql = `-- hermes:destructive reason=the table is replaced
DROP TABLE IF EXISTS a, "B" CASCADE;
ALTER TABLE hermes_outbox
  DROP COLUMN last_attempt_at,
  DROP COLUMN IF EXISTS replay_count,
  ALTER COLUMN status DROP DEFAULT,
  DROP CONSTRAINT some_check;
/* TRUNCATE ignored; */ TRUNCATE TABLE ONLY logs RESTART IDENTITY;
DROP SCHEMA old_things CASCADE;
DROP SCHEMA hermes_ops;
DROP INDEX a_idx;
DELETE FROM a;`;
    expect(scanDataLoss(sql)).toEqual([
      { kind: 'drop table', table: 'a' },
      { kind: 'drop table', table: 'B' },
      { kind: 'drop column', table: 'hermes_outbox', column: 'last_attempt_at' },
      { kind: 'drop column', table: 'hermes_outbox', column: 'replay_count' },
      { kind: 'truncate', table: 'logs' },
      { kind: 'drop schema cascade', table: 'old_things' },
    ]);
  });

  it("names every table and column the project's own downs drop", () => {
    const dir = new URL('../../migrations/', import.meta.url);
    const found = readdirSync(dir)
      .filter((f) => f.endsWith('.down.sql'))
      .sort()
      .flatMap((f) => scanDataLoss(readFileSync(new URL(f, dir), 'utf8')));
    const tables = found.filter((f) => f.kind === 'drop table').map((f) => f.table);
    expect(tables).toContain('hermes_leads');
    expect(tables).toContain('hermes_ops.audit_log');
    expect(found).toContainEqual({ kind: 'drop column', table: 'hermes_leads', column: 'spam_reason' });
    expect(found.filter((f) => f.kind === 'drop column' && f.table === 'hermes_outbox')).toHaveLength(6);
  });

  it('says it in a line, with the rows when counted', () => {
    const base = { migration: '0001_a', table: 'hermes_leads' };
    expect(describeLoss({ ...base, kind: 'drop table', rows: 1204 })).toBe(
      'drops table hermes_leads (1,204 rows)',
    );
    expect(describeLoss({ ...base, kind: 'drop column', column: 'spam_reason', rows: 1 })).toBe(
      'drops column hermes_leads.spam_reason (1 row)',
    );
    expect(describeLoss({ ...base, kind: 'truncate', rows: null })).toBe('empties table hermes_leads');
  });
});
