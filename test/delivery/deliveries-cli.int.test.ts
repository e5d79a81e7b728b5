import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startN8nReceiver, type N8nReceiver } from '../support/n8n-receiver.ts';
import { runCli } from '../support/run-cli.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { eventually, outboxCounts, startTestWorker, testConfig } from './support/delivery-setup.ts';
import { insertLeads, type InsertedLead } from './support/insert-leads.ts';

interface Listed {
  lead_id: string;
  delivery_id: string;
  status: string;
  attempts: number;
  replay_count: number;
}

describe('hermes deliveries list | show | replay', () => {
  const db = useTestDatabase();
  let receiver: N8nReceiver;
  let delivered: InsertedLead[];
  let dead: InsertedLead[];
  const cli = (...args: string[]) => runCli(args, { env: { DATABASE_URL: db.url } });

  beforeAll(async () => {
    receiver = await startN8nReceiver();
    // Three leads delivered, then two that n8n refuses as too large (dead at once).
    const { worker } = startTestWorker(db.pool, db.url, testConfig(receiver.url));
    delivered = await insertLeads(db.pool, 3);
    await eventually(async () => (await outboxCounts(db.pool)).delivered === 3, 'three delivered');
    receiver.setMode('payload-too-large');
    dead = await insertLeads(db.pool, 2);
    await eventually(async () => (await outboxCounts(db.pool)).dead === 2, 'two dead');
    await worker.stop();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('lists deliveries by status, as a table or as JSON', async () => {
    const json = await cli('--json', 'deliveries', 'list', '--status', 'dead');
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Listed[];
    expect(new Set(rows.map((r) => r.lead_id))).toEqual(new Set(dead.map((d) => d.lead_id)));
    expect(rows.every((r) => r.status === 'dead' && r.attempts === 1)).toBe(true);

    const table = await cli('deliveries', 'list', '--since', '1h');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^LEAD\s+STATUS\s+ATTEMPTS\s+LAST ANSWER/);
    expect(table.stdout.match(/^HS-\S+\s+delivered\s/gm)).toHaveLength(3);
    expect(table.stdout).toContain('payload_too_large (413)');
    const lines = table.stdout.split('\n');
    for (const lead of delivered)
      expect(lines.find((l) => l.startsWith(lead.lead_id))).toMatch(/^\S+\s+delivered\s/);
  });

  it("shows a lead's attempts", async () => {
    const shown = await cli('deliveries', 'show', dead[0]?.lead_id ?? '');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`delivery id  ${dead[0]?.delivery_id ?? ''}`);
    expect(shown.stdout).toMatch(
      /^1\s+\S+\s+413\s+payload_too_large\s+dead\s+\d+ ms\s+HTTP 413: .*request entity too large/m,
    );
  });

  it('refuses bad input with the reason and the exit code, changing nothing', async () => {
    const badStatus = await cli('deliveries', 'list', '--status', 'lost');
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain(
      '--status: expected one of pending, failed, dead, delivered, got "lost"',
    );
    const badSince = await cli('deliveries', 'replay', '--since', 'yesterday');
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since: expected an ISO 8601 date or time');
    const nothing = await cli('deliveries', 'replay');
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to replay');
    const unknown = await cli('deliveries', 'replay', dead[0]?.lead_id ?? '', 'HS-20250101-ZZZZZZ');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('HS-20250101-ZZZZZZ');
    const notFound = await cli('deliveries', 'show', 'HS-20250101-ZZZZZZ');
    expect(notFound.code).toBe(1);
    expect(await outboxCounts(db.pool)).toEqual({ delivered: 3, dead: 2 });
  });

  it('replays the dead letters with their delivery ids, and a worker delivers them', async () => {
    const replayed = await cli('--json', 'deliveries', 'replay', '--dead', '--yes');
    expect(replayed.code).toBe(0);
    const report = JSON.parse(replayed.stdout) as { replayed: { lead_id: string; delivery_id: string }[] };
    expect(new Set(report.replayed.map((r) => r.delivery_id))).toEqual(
      new Set(dead.map((d) => d.delivery_id)),
    );
    expect(await outboxCounts(db.pool)).toEqual({ delivered: 3, pending: 2 });

    receiver.setMode('ok');
    const { worker } = startTestWorker(db.pool, db.url, testConfig(receiver.url));
    try {
      await receiver.waitForDelivered(5);
      await eventually(async () => (await outboxCounts(db.pool)).delivered === 5, 'all five delivered');
    } finally {
      await worker.stop();
    }
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM hermes_ops.audit_log WHERE action = 'deliveries.replay' AND outcome = 'ok'",
    );
    expect(rows[0]?.n).toBe(1);

    const again = await cli('--json', 'deliveries', 'list', '--status', 'delivered');
    const listed = JSON.parse(again.stdout) as Listed[];
    expect(
      listed
        .filter((r) => r.replay_count === 1)
        .map((r) => r.delivery_id)
        .sort(),
    ).toEqual(dead.map((d) => d.delivery_id).sort());
  });
});
