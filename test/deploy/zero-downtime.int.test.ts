import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { LocalTarget } from '../../src/deploy/local/local-target.ts';
import { useDeployFixture } from './support/deploy-fixture.ts';
import { sendLeads } from './support/lead-traffic.ts';

/**
 * Zero downtime, counted (never timed): valid leads keep arriving through nginx's public port
 * across a blue/green deploy and across a switch back to the previous colour. Every answer is a
 * 201, no connection fails, and every lead answered 201 is stored once and delivered.
 */

const fx = useDeployFixture();

const hermes = (args: string[]) => fx.hermes(args);

describe('zero downtime on the local target', () => {
  it('loses no request and no lead across a deploy and a switch back', async () => {
    const skip = ['deploy', '--skip', 'pre-deploy', '--reason', 'zero-downtime test', '--no-reports'];
    const first = await hermes(skip);
    expect(first.code, first.stderr).toBe(0);

    const stop = new AbortController();
    const load = sendLeads(`${fx.source.publicUrl}/api/contact`, 3, stop.signal);
    const second = await hermes([...skip, '--version', '2.0.0']);
    expect(second.code, second.stderr).toBe(0);
    const { config } = loadConfig({ cwd: fx.source.dir, env: fx.env() });
    const back = await new LocalTarget(fx.source.dir, config).rollback(AbortSignal.timeout(60_000));
    expect(back.handle).toBe('blue');
    // Leads keep coming a moment after the switch back, through the colour now live again.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    stop.abort();
    const answers = await load;

    expect(answers.flatMap((a) => (a.failure === undefined ? [] : [a.failure]))).toEqual([]);
    expect(answers.filter((a) => a.status !== 201).map((a) => a.status)).toEqual([]);
    const accepted = answers.flatMap((a) => (a.leadId === undefined ? [] : [a.leadId]));
    const emails = answers.map((a) => a.email);
    // Enough traffic to have crossed both switches (each deploy alone takes seconds).
    expect(accepted.length).toBeGreaterThan(100);
    // Each lead stored once: a request sent again was never processed the first time.
    const { rows } = await fx.db.pool.query<{ email: string; n: string }>(
      'SELECT email, count(*) AS n FROM hermes_leads WHERE email = ANY($1) GROUP BY email',
      [emails],
    );
    expect(rows).toHaveLength(accepted.length);
    expect(rows.filter((row) => Number(row.n) !== 1)).toEqual([]);
    console.info(
      `zero downtime: ${String(accepted.length)} leads, ${String(answers.filter((a) => a.retried).length)} sent again`,
    );
    await fx.receiver.waitForDelivered(accepted.length, 60_000);
    const delivered = new Set(fx.receiver.received.map((got) => got.body['lead_id']));
    expect(accepted.filter((id) => !delivered.has(id))).toEqual([]);
  }, 300_000);
});
