import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupBaseName } from '../../../../src/backup/backup-name.ts';
import { backupGate } from '../../../../src/gates/builtin/deploy/backup.ts';
import { insertSyntheticLeads } from '../../../../src/leads/insert-synthetic-leads.ts';
import { useTestDatabase } from '../../../support/test-database.ts';
import { gateContext, makeProject, unreachableUrl } from '../support/gate-context.ts';
import { recordingHooks } from './support/recording-step-hooks.ts';

function evidenceText(content: unknown): string {
  return typeof content === 'string' ? content : JSON.stringify(content);
}

describe('db.backup', () => {
  const db = useTestDatabase();

  it('dumps the database into backup.dir under the UTC minute and records the name on the deployment', async () => {
    await insertSyntheticLeads(db.pool, 3);
    const project = makeProject({});
    const hooks = recordingHooks();
    const ctx = gateContext({
      databaseUrl: db.url,
      cwd: project.dir,
      config: { backup: { dir: 'backups' } },
    });
    const before = backupBaseName(new Date());
    const outcome = await backupGate(hooks).run(ctx);
    const after = backupBaseName(new Date());
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    const files = readdirSync(join(project.dir, 'backups'));
    expect(files).toHaveLength(1);
    const name = (files[0] ?? '').replace(/\.dump$/, '');
    expect([before, after]).toContain(name);
    expect(hooks.patches).toEqual([{ backupName: name }]);
    const path = join(project.dir, 'backups', `${name}.dump`);
    expect(outcome.summary.startsWith(`backup ${name} taken (`)).toBe(true);
    expect(outcome.summary).toMatch(/ taken \(\d+\.\d KB, pg_dump \d+\.\d+\)$/);
    expect(outcome.measurements?.find((m) => m.name === 'backup size')).toEqual({
      name: 'backup size',
      value: statSync(path).size,
      unit: 'bytes',
    });
    expect(evidenceText(outcome.evidence?.[0]?.content)).toContain(`path: ${path}`);
    expect(execFileSync('pg_restore', ['--list', path], { encoding: 'utf8' })).toMatch(
      /TABLE DATA public hermes_leads/,
    );
    expect(ctx.logs).toEqual([`pg_dump → ${join(project.dir, 'backups')}`]);
    project.remove();
  });

  it('writes under .hermes/backups of the repository by default, a second one of the minute beside the first', async () => {
    const project = makeProject({});
    const hooks = recordingHooks();
    const gate = backupGate(hooks);
    const ctx = gateContext({ databaseUrl: db.url, cwd: project.dir });
    const first = await gate.run(ctx);
    const second = await gate.run(ctx);
    await ctx.close();
    expect([first.status, second.status]).toEqual(['pass', 'pass']);
    const names = hooks.patches.map((p) => p.backupName ?? '');
    expect(names).toHaveLength(2);
    // Unless the minute turned between them, the second is the first's `-2`.
    if (names[1]?.startsWith(names[0] ?? '-')) expect(names[1]).toBe(`${names[0] ?? ''}-2`);
    for (const name of names)
      expect(existsSync(join(project.dir, '.hermes', 'backups', `${name}.dump`))).toBe(true);
    project.remove();
  });

  it('fails, leaving no backup, when pg_dump runs past its timeout', async () => {
    const project = makeProject({});
    const hooks = recordingHooks();
    const ctx = gateContext({
      databaseUrl: db.url,
      cwd: project.dir,
      config: { gates: { thresholds: { deploy: { backup: { timeout: 0 } } } } },
    });
    const outcome = await backupGate(hooks).run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('pg_dump did not finish within 0 ms: no backup taken');
    expect(hooks.patches).toEqual([]);
    const dir = join(project.dir, '.hermes', 'backups');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    project.remove();
  });

  it('is an error when the run is cancelled, and when the database cannot be reached', async () => {
    const project = makeProject({});
    const hooks = recordingHooks();
    const ctx = gateContext({ databaseUrl: db.url, cwd: project.dir });
    const cancelled = await backupGate(hooks).run({ ...ctx, signal: AbortSignal.abort() });
    await ctx.close();
    expect(cancelled).toMatchObject({ status: 'error', summary: 'the backup was cancelled' });
    const unreachable = await backupGate(hooks).run(
      gateContext({ databaseUrl: unreachableUrl, cwd: project.dir }),
    );
    expect(unreachable.status).toBe('error');
    expect(unreachable.summary).toBe('could not back up the database');
    expect(hooks.patches).toEqual([]);
    project.remove();
  });

  it('is an error naming the directory when backup.dir cannot be made', async () => {
    const project = makeProject({ 'taken.txt': 'a file, not a directory' });
    const ctx = gateContext({
      databaseUrl: db.url,
      cwd: project.dir,
      config: { backup: { dir: 'taken.txt/backups' } },
    });
    const outcome = await backupGate(recordingHooks()).run(ctx);
    await ctx.close();
    expect(outcome).toMatchObject({ status: 'error', summary: 'the backup could not be taken' });
    expect(outcome.reason).toMatch(/ENOTDIR.*taken\.txt/);
    project.remove();
  });

  it('warns on the embedded database that no backup was taken, recording nothing', async () => {
    const hooks = recordingHooks();
    const ctx = gateContext({ databaseUrl: db.url });
    // The gate goes by the Database's own flag; starting PGlite here would only cost seconds.
    const embedded = { ...ctx, database: async () => ({ ...(await ctx.database()), embedded: true }) };
    const outcome = await backupGate(hooks).run(embedded);
    await ctx.close();
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('no backup taken');
    expect(hooks.patches).toEqual([]);
  });

  it('describes its threshold with its default', () => {
    const ctx = gateContext();
    expect(backupGate(recordingHooks()).thresholds?.(ctx.config)).toEqual([
      expect.objectContaining({
        key: 'gates.thresholds.deploy.backup.timeout',
        value: 1_800_000,
        source: 'default',
      }),
    ]);
  });
});
