import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validLead } from '../intake/support/valid-lead.ts';
import { runCli } from '../support/run-cli.ts';
import { startServe } from '../support/serve-process.ts';
import { migrationsDir } from '../support/test-database.ts';

/** The project's migrations by name, in order: what a migrated database holds. */
const migrationNames = readdirSync(migrationsDir)
  .filter((file) => file.endsWith('.up.sql'))
  .map((file) => file.slice(0, -'.up.sql'.length))
  .sort();

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('hermes serve on the embedded database', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'hermes-embedded-')), 'pgdata');
  const env = { HERMES_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' };
  let server: Awaited<ReturnType<typeof startServe>> | undefined;
  // The lead the first run stores, looked up after the restart.
  let leadId = '';

  afterAll(() => {
    server?.child.kill('SIGKILL');
  });

  it(
    'starts with no DATABASE_URL, migrates, answers /health, and refuses a second process',
    { timeout: 120_000 },
    async () => {
      server = await startServe(env);
      expect(server.output()).toContain(`embedded PostgreSQL in ${dataDir}`);
      expect(server.output()).toContain(`hermes: applied ${String(migrationNames.length)} migrations`);

      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as { status: string; version: string };
      expect(body.status).toBe('ok');
      expect(body.version).toMatch(/^\d+\.\d+\.\d+/);

      const database = await fetch(`${server.url}/health/database`);
      expect(database.status).toBe(200);
      expect(await database.json()).toMatchObject({ status: 'ok', read: true, write: true });

      const posted = await fetch(`${server.url}/api/contact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(validLead()),
      });
      expect(posted.status).toBe(201);
      leadId = ((await posted.json()) as { lead_id: string }).lead_id;

      const second = await runCli(['serve'], { env });
      expect(second.code).toBe(2);
      expect(second.stderr).toContain('is in use by another Hermes process');

      const exited = exitCode(server.child);
      server.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      server = undefined;
    },
  );

  it('keeps its data and schema across restarts', { timeout: 120_000 }, async () => {
    const again = await startServe(env);
    server = again;
    // Nothing left to migrate: the first run said how many it applied.
    expect(again.output()).not.toContain('applied');
    const exited = exitCode(again.child);
    again.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
    const status = await runCli(['--json', 'migrate', 'status'], { env });
    expect(status.code).toBe(0);
    // Every migration applied, by name: an empty list would pass an every() check.
    expect(
      (JSON.parse(status.stdout) as { name: string; state: string }[]).map((m) => [m.name, m.state]),
    ).toEqual(migrationNames.map((name) => [name, 'applied']));
    // And the data: the lead the first run stored is still there.
    expect(leadId).toMatch(/^HS-/);
    const shown = await runCli(['--json', 'leads', 'show', leadId], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ lead_id: leadId, first_name: 'Ada' });
  });
});
