import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { whileServedFor } from '../../src/cli/context.ts';
import { serveHermes, type ServingHermes } from '../delivery/support/spawn-worker.ts';
import { validLead } from '../intake/support/valid-lead.ts';
import { runCli } from '../support/run-cli.ts';

/** Polls /health/database until `until` settles, collecting every status it answered. */
async function healthWhile(base: string, until: Promise<unknown>): Promise<number[]> {
  const statuses: number[] = [];
  const state = { done: false };
  void until.finally(() => (state.done = true));
  while (!state.done) {
    statuses.push((await fetch(`${base}/health/database`)).status);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return statuses;
}

// `npm start` serves the embedded database; the CLI inspects it meanwhile through its socket.
describe('the CLI beside a running hermes serve on the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-live-'));
  const dataDir = join(dir, 'pgdata');
  const env = { HERMES_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  let serve: ServingHermes | undefined;

  afterEach(async () => {
    serve?.child.kill('SIGKILL');
    await serve?.exited;
    serve = undefined;
  });

  it(
    'shows leads, deliveries and gate history while serve runs, refuses what needs the database alone, and opens it itself after',
    { timeout: 180_000 },
    async () => {
      serve = await serveHermes(env);
      const { base } = serve;

      const posted = await fetch(`${base}/api/contact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(validLead()),
      });
      expect(posted.status).toBe(201);
      const { lead_id: leadId } = (await posted.json()) as { lead_id: string };

      // Run side by side, and beside the server's own traffic: they take turns on one connection.
      const commands = Promise.all([
        runCli(['--json', 'leads', 'show', leadId], { env }),
        runCli(['--json', 'deliveries', 'list'], { env }),
        runCli(['gates', 'history'], { env }),
        runCli(['deliveries', 'show', leadId], { env }),
      ]);
      const [statuses, results] = await Promise.all([healthWhile(base, commands), commands]);
      const [show, list, history, delivery] = results;
      // Before: `... is in use by another Hermes process ... [embedded_db_locked]`, exit 2.
      expect(show.stderr).toBe('');
      expect(show.code).toBe(0);
      expect((JSON.parse(show.stdout) as { lead_id: string }).lead_id).toBe(leadId);
      expect(list.code).toBe(0);
      expect((JSON.parse(list.stdout) as { lead_id: string }[]).map((row) => row.lead_id)).toContain(leadId);
      expect(history.code).toBe(0);
      expect(history.stdout).toContain('no gate runs recorded');
      expect(delivery.code).toBe(0);
      expect(delivery.stdout).toContain(leadId);
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.every((status) => status === 200)).toBe(true);

      // A schema change, a second server or worker: refused, naming the instance and what does run.
      for (const args of [['migrate', 'up'], ['worker'], ['serve']]) {
        const refused = await runCli(args, { env: { ...env, PORT: '0' } });
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain('is in use by another Hermes process');
        expect(refused.stderr).toContain(`pid ${String(serve.child.pid)}`);
        expect(refused.stderr).toContain(`\`hermes ${args.join(' ')}\` does not run beside it`);
        expect(refused.stderr).toContain('leads show');
        expect(refused.stderr).toContain('[embedded_db_locked]');
      }

      // The server still answers, reads and writes, after the commands have gone.
      const database = await fetch(`${base}/health/database`);
      expect(database.status).toBe(200);
      expect(await database.json()).toMatchObject({ status: 'ok', read: true, write: true });
      const again = await fetch(`${base}/api/contact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(validLead({ email: 'second@example.com' })),
      });
      expect(again.status).toBe(201);

      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
      serve = undefined;
      expect(existsSync(`${dataDir}.live`)).toBe(false);

      // Nobody serves: the command opens the data directory itself, as before.
      const alone = await runCli(['--json', 'leads', 'show', leadId], { env });
      expect(alone.code).toBe(0);
      expect((JSON.parse(alone.stdout) as { lead_id: string }).lead_id).toBe(leadId);
    },
  );

  it(
    'ignores the pointer of a serve killed -9: the next command takes the lock over and opens the database itself',
    { timeout: 120_000 },
    async () => {
      const killed = await serveHermes(env);
      serve = killed;
      expect(existsSync(`${dataDir}.live`)).toBe(true);
      killed.child.kill('SIGKILL');
      expect(await killed.exited).toBe('SIGKILL');
      serve = undefined;

      const list = await runCli(['--json', 'deliveries', 'list'], { env });
      expect(list.stderr).toBe('');
      expect(list.code).toBe(0);
      // The data directory's own deliveries: the two leads the test above posted, no more, no fewer.
      expect((JSON.parse(list.stdout) as unknown[]).length).toBeGreaterThan(0);
      expect(JSON.parse(list.stdout) as unknown[]).toHaveLength(2);
      expect(existsSync(`${dataDir}.live`)).toBe(false);
    },
  );
});

describe('which command line reaches a running hermes serve', () => {
  it('lets lookups through and keeps the rest out, naming the command', () => {
    for (const command of [
      'leads show',
      'leads export',
      'deliveries list',
      'deliveries show',
      'gates history',
      'deployments list',
      'deployments show',
    ])
      expect(whileServedFor(command)).toEqual({ connect: true });
    for (const command of ['serve', 'worker', 'migrate up', 'migrate down', 'ops init', 'gates run', ''])
      expect(whileServedFor(command)).toMatchObject({ connect: false, command });
  });
});
