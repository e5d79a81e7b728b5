import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from './percentile.ts';

export interface PgbenchResult {
  tps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  transactions: number;
}

// The intake's own statement (src/leads/insert-lead-with-outbox.ts): the lead and its outbox row
// in one transaction, with a distinct lead per transaction.
const script = `\\set r random(1, 9000000000000000)
WITH lead AS (
  INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number, problem_description,
    service_urgency, agree_to_terms, privacy_consent, privacy_policy_version, source, status, spam_reason)
  VALUES ('PGB-' || :client_id || '-' || :r, 'Ada', 'Lovelace', 'ada.' || :r || '@example.com', 'United Kingdom',
    '+442079460958', 'Our web shop was defaced last night and customers see a ransom note.', 'urgent',
    true, true, '2025-01', 'api', 'received', NULL)
  RETURNING lead_id, status
)
INSERT INTO hermes_outbox (lead_id) SELECT lead_id FROM lead WHERE status = 'received';
`;

/** Runs pgbench with the intake's transaction and reads its per-transaction log for percentiles. */
export async function runPgbench(url: string, clients: number, seconds: number): Promise<PgbenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'hermes-pgbench-'));
  try {
    await writeFile(join(dir, 'intake.sql'), script);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        'pgbench',
        ['-n', '-c', String(clients), '-j', '2', '-T', String(seconds), '-l', '-f', 'intake.sql', url],
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`pgbench exited ${code}:\n${text}`)),
      );
    });
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1] ?? NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
    const latencies: number[] = [];
    for (const file of (await readdir(dir)).filter((name) => name.startsWith('pgbench_log'))) {
      for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
        const micros = Number(line.split(' ')[2]);
        if (Number.isFinite(micros) && line.length > 0) latencies.push(micros / 1000);
      }
    }
    latencies.sort((a, b) => a - b);
    return {
      tps,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      errors: failed,
      transactions: latencies.length,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
