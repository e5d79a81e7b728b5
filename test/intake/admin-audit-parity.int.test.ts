import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { startIntake, validLead, type IntakeUnderTest } from './support/start-intake.ts';

// `lead.show` and `deliveries.replay` are one audited operation each (show-lead.ts,
// audited-replay.ts): the CLI and the admin API leave the same trail but for the actor.
const key = 'an-admin-key-of-forty-characters-0123456';
let intake: IntakeUnderTest;
let leadId: string;

beforeAll(async () => {
  intake = await startIntake({
    config: { admin: { apiKeys: [key] }, intake: { rateLimit: { enabled: false } } },
  });
  const response = await intake.post(validLead());
  expect(response.status).toBe(201);
  leadId = ((await response.json()) as { lead_id: string }).lead_id;
});
afterAll(async () => {
  await intake.close();
});

function http(path: string, body?: unknown): Promise<Response> {
  return fetch(`${intake.base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** `hermes ...args` against the intake's database, expected to exit with `code`. */
async function cli(code: number, ...args: string[]): Promise<void> {
  const result = await runCli(args, { env: { DATABASE_URL: intake.database.url } });
  expect(result.code, result.stderr).toBe(code);
}

interface Entry {
  actor: string;
  action: string;
  subject: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/** The audit entries `act` adds. */
async function entriesOf(act: () => Promise<unknown>): Promise<Entry[]> {
  const { rows: before } = await intake.database.pool.query<{ n: number }>(
    'SELECT coalesce(max(id), 0)::int AS n FROM hermes_ops.audit_log',
  );
  await act();
  const { rows } = await intake.database.pool.query<Entry>(
    'SELECT actor, action, subject, outcome, details FROM hermes_ops.audit_log WHERE id > $1 ORDER BY id',
    [before[0]?.n ?? 0],
  );
  return rows;
}

const withoutActor = (entries: Entry[]) => entries.map(({ actor: _actor, ...rest }) => rest);

async function expectSameTrail(
  viaHttp: () => Promise<unknown>,
  viaCli: () => Promise<unknown>,
): Promise<Entry[]> {
  const fromHttp = await entriesOf(viaHttp);
  const fromCli = await entriesOf(viaCli);
  expect(fromHttp).toHaveLength(1);
  expect(fromHttp[0]?.actor).toMatch(/^key:[0-9a-f]{12}$/);
  expect(fromCli[0]?.actor).toMatch(/^cli:/);
  expect(withoutActor(fromCli)).toEqual(withoutActor(fromHttp));
  return fromHttp;
}

describe('the CLI and the admin API audit the same operation the same way', () => {
  it('lead.show, found and not found', async () => {
    const [found] = await expectSameTrail(
      () => http(`/api/admin/leads/${leadId}`),
      () => cli(0, 'leads', 'show', leadId),
    );
    expect(found).toMatchObject({ action: 'lead.show', subject: leadId, outcome: 'ok', details: {} });
    const [missing] = await expectSameTrail(
      () => http('/api/admin/leads/HS-20000101-000000'),
      () => cli(1, 'leads', 'show', 'HS-20000101-000000'),
    );
    expect(missing).toMatchObject({ subject: 'HS-20000101-000000', outcome: 'not_found' });
  });

  it('deliveries.replay of one lead', async () => {
    const [entry] = await expectSameTrail(
      () => http('/api/admin/deliveries/replay', { lead_ids: [leadId] }),
      () => cli(0, 'deliveries', 'replay', leadId, '--yes'),
    );
    expect(entry).toMatchObject({
      action: 'deliveries.replay',
      subject: leadId,
      outcome: 'ok',
      details: { replayed: 1, dead: false, since: null },
    });
  });

  it('deliveries.replay --dead --since records the time the since resolved to', async () => {
    const [entry] = await expectSameTrail(
      () => http('/api/admin/deliveries/replay', { dead: true, since: '2025-01-31' }),
      () => cli(0, 'deliveries', 'replay', '--dead', '--since', '2025-01-31', '--yes'),
    );
    expect(entry).toMatchObject({
      subject: null,
      outcome: 'ok',
      details: { replayed: 0, dead: true, since: '2025-01-31T00:00:00.000Z' },
    });
  });

  it('deliveries.replay.plan: a dry run, audited as a plan', async () => {
    const [entry] = await expectSameTrail(
      () => http('/api/admin/deliveries/replay', { lead_ids: [leadId], dry_run: true }),
      () => cli(0, 'deliveries', 'replay', leadId, '--dry-run'),
    );
    expect(entry).toMatchObject({
      action: 'deliveries.replay.plan',
      subject: leadId,
      outcome: 'ok',
      details: { would_replay: 1, skipped: 0, dead: false, since: null, include_delivered: false },
    });
  });
});
