import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startN8nReceiver, type N8nReceiver } from '../support/n8n-receiver.ts';
import { runCli } from '../support/run-cli.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { eventually, outboxCounts, startTestWorker, testConfig } from './support/delivery-setup.ts';
import { insertLeads, type InsertedLead } from './support/insert-leads.ts';

interface Row {
  lead_id: string;
  delivery_id: string;
}
interface Report {
  dry_run: boolean;
  replayed?: Row[];
  would_replay?: Row[];
  by_status: Record<string, number>;
  skipped: { lead_id: string; reason: string }[];
  in_flight: string[];
}

// Issue 13 item 4: a replay re-sends neither an erased lead (its placeholders) nor, unless asked
// with --include-delivered, a delivered one; it asks first, and a dry run changes nothing.
describe('hermes deliveries replay: a plan, a confirmation, and what it refuses', () => {
  const db = useTestDatabase();
  let receiver: N8nReceiver;
  let delivered: InsertedLead[];
  let dead: InsertedLead[];
  let erased: InsertedLead;
  const cli = (...args: string[]) => runCli(args, { env: { DATABASE_URL: db.url } });
  const ids = (rows: readonly { lead_id: string }[] | undefined) => (rows ?? []).map((r) => r.lead_id).sort();
  /** Every outbox row as it is: compared before and after what must change nothing. */
  const outbox = async () =>
    (
      await db.pool.query<Record<string, unknown>>(
        'SELECT lead_id, status, attempts, replay_count, next_attempt_at FROM hermes_outbox ORDER BY lead_id',
      )
    ).rows;
  const auditActions = async () =>
    (
      await db.pool.query<{ action: string; outcome: string }>(
        'SELECT action, outcome FROM hermes_ops.audit_log ORDER BY id',
      )
    ).rows.map((r) => `${r.action}:${r.outcome}`);

  beforeAll(async () => {
    receiver = await startN8nReceiver();
    // Two delivered; then three dead (n8n refuses them as too large), one of which is erased.
    const { worker } = startTestWorker(db.pool, db.url, testConfig(receiver.url));
    delivered = await insertLeads(db.pool, 2);
    await eventually(async () => (await outboxCounts(db.pool)).delivered === 2, 'two delivered');
    receiver.setMode('payload-too-large');
    const [first, second, third] = await insertLeads(db.pool, 3);
    if (!first || !second || !third) throw new Error('three leads expected');
    await eventually(async () => (await outboxCounts(db.pool)).dead === 3, 'three dead');
    await worker.stop();
    dead = [first, second];
    erased = third;
    await db.pool.query(
      `UPDATE hermes_leads SET first_name = '[erased]', last_name = '[erased]', status = 'erased',
         erased_at = now() WHERE lead_id = $1`,
      [erased.lead_id],
    );
    receiver.setMode('ok');
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('without a terminal and without --yes: refused (exit 2), nothing re-queued', async () => {
    const before = await outbox();
    const refused = await cli('deliveries', 'replay', '--since', '1h');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('add --yes to replay 2 deliveries');
    expect(refused.stderr).toContain('--dry-run');
    expect(refused.stderr).toContain('[confirmation_required]');
    expect(await outbox()).toEqual(before);
  });

  it('--dry-run prints counts and ids, skips the erased and delivered, and changes nothing', async () => {
    const before = await outbox();
    const human = await cli('deliveries', 'replay', '--since', '1h', '--dry-run');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('would replay 2 deliveries (dead 2)');
    for (const lead of dead) expect(human.stdout).toContain(`  ${lead.lead_id}  ${lead.delivery_id}`);
    expect(human.stdout).toContain(`  ${erased.lead_id}  erased: `);
    expect(human.stdout).toContain('skipped 3, not sent again:');

    const json = await cli('--json', 'deliveries', 'replay', '--since', '1h', '--dry-run');
    expect(json.code, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout) as Report;
    expect(plan.dry_run).toBe(true);
    expect(ids(plan.would_replay)).toEqual(ids(dead));
    expect(plan.by_status).toEqual({ pending: 0, failed: 0, dead: 2, delivered: 0 });
    expect(plan.skipped).toEqual(
      expect.arrayContaining([
        { lead_id: erased.lead_id, reason: 'erased' },
        ...delivered.map((d) => ({ lead_id: d.lead_id, reason: 'delivered' })),
      ]),
    );
    expect(plan.skipped).toHaveLength(3);

    const withDelivered = await cli(
      '--json',
      'deliveries',
      'replay',
      '--since',
      '1h',
      '--include-delivered',
      '--dry-run',
    );
    const all = JSON.parse(withDelivered.stdout) as Report;
    expect(ids(all.would_replay)).toEqual(ids([...dead, ...delivered]));
    expect(all.skipped).toEqual([{ lead_id: erased.lead_id, reason: 'erased' }]);

    expect(await outbox()).toEqual(before);
    // Audited as plans, not as replays.
    expect((await auditActions()).filter((a) => a.startsWith('deliveries.replay:'))).toEqual([]);
    expect(await auditActions()).toContain('deliveries.replay.plan:ok');
  });

  it('lead ids of an erased or a delivered lead: refused, naming them; nothing replayed', async () => {
    const before = await outbox();
    const erasedId = await cli('deliveries', 'replay', erased.lead_id, dead[0]?.lead_id ?? '', '--yes');
    expect(erasedId.code).toBe(1);
    expect(erasedId.stderr).toContain('[replay_refused]');
    expect(erasedId.stderr).toContain(`${erased.lead_id}: erased`);
    const deliveredId = await cli('deliveries', 'replay', delivered[0]?.lead_id ?? '', '--yes');
    expect(deliveredId.code).toBe(1);
    expect(deliveredId.stderr).toContain(`${delivered[0]?.lead_id ?? ''}: delivered already`);
    const both = await cli('deliveries', 'replay', '--dead', '--include-delivered', '--yes');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--dead replays dead deliveries only');
    expect(await outbox()).toEqual(before);
  });

  it('--since with --yes re-sends the dead ones only; n8n sees exactly those, never a placeholder', async () => {
    const run = await cli('--json', 'deliveries', 'replay', '--since', '1h', '--yes');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.dry_run).toBe(false);
    expect(ids(report.replayed)).toEqual(ids(dead));
    expect(report.skipped).toHaveLength(3);

    const receivedBefore = receiver.received.length;
    const { worker } = startTestWorker(db.pool, db.url, testConfig(receiver.url));
    try {
      await eventually(
        async () => (await outboxCounts(db.pool)).delivered === 4,
        'the two replayed delivered',
      );
    } finally {
      await worker.stop();
    }
    const sent = receiver.received.slice(receivedBefore);
    expect(sent.map((r) => r.id).sort()).toEqual(dead.map((d) => d.delivery_id).sort());
    expect(JSON.stringify(sent)).not.toContain('[erased]');
    expect(await outboxCounts(db.pool)).toEqual({ delivered: 4, dead: 1 });
  });

  it('--include-delivered re-sends delivered ones; the erased lead still never', async () => {
    const run = await cli(
      '--json',
      'deliveries',
      'replay',
      delivered[0]?.lead_id ?? '',
      '--include-delivered',
      '--yes',
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.replayed).toEqual([delivered[0]]);
    expect(report.by_status).toMatchObject({ delivered: 1 });
    const receivedBefore = receiver.received.length;
    const { worker } = startTestWorker(db.pool, db.url, testConfig(receiver.url));
    try {
      await receiver.waitForRequests(receiver.requestCount + 1);
      await eventually(async () => (await outboxCounts(db.pool)).delivered === 4, 'redelivered');
    } finally {
      await worker.stop();
    }
    expect(receiver.received.slice(receivedBefore).map((r) => r.id)).toEqual([delivered[0]?.delivery_id]);
    const { rows } = await db.pool.query<{ status: string; replay_count: number }>(
      'SELECT status, replay_count FROM hermes_outbox WHERE lead_id = $1',
      [erased.lead_id],
    );
    expect(rows).toEqual([{ status: 'dead', replay_count: 0 }]);
  });
});
