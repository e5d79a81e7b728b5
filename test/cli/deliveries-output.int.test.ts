import { describe, expect, it } from 'vitest';
import { insertLeads } from '../delivery/support/insert-leads.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { runCliInProcess } from './in-process-cli.ts';

const database = useTestDatabase();
const hermes = (...args: string[]) => runCliInProcess(args, { env: { DATABASE_URL: database.url } });

describe('hermes deliveries, in process', () => {
  it('replay with nothing to replay says so and exits 0, without --yes and without changing a row', async () => {
    const [lead] = await insertLeads(database.pool, 1);
    const before = await database.pool.query('SELECT * FROM hermes_outbox ORDER BY id');
    // Off a terminal and without --yes a replay is refused; with nothing to replay there is nothing to refuse.
    expect(await hermes('deliveries', 'replay', '--dead')).toEqual({
      code: 0,
      stdout: 'nothing to replay\n',
      stderr: '',
    });
    expect(await hermes('--json', 'deliveries', 'replay', '--dead')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('"would_replay": []') as string,
    });
    expect((await database.pool.query('SELECT * FROM hermes_outbox ORDER BY id')).rows).toEqual(before.rows);

    const shown = await hermes('deliveries', 'show', lead?.lead_id ?? '');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/\n\nno attempts yet\n$/);
    expect(shown.stdout).toContain(`delivery id  ${lead?.delivery_id ?? '?'}\nstatus       pending (next `);
  });
});
