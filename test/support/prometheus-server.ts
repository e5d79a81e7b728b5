import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export interface PrometheusServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Resolves once Prometheus has scraped every target of `job` and found it up. */
  waitForTargetsUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** host:port of each instance whose /metrics Prometheus scrapes. */
  readonly targets: readonly string[];
  readonly job: string;
  readonly scrapeInterval?: string;
}

async function instantValues(url: string, query: string): Promise<number[]> {
  const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query }).toString()}`);
  const body = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
  return (body.data?.result ?? []).map((r) => Number(r.value[1]));
}

/**
 * Debian's Prometheus with its own config, data directory and port under a temp dir (never the
 * system's instance), scraping `targets` every `scrapeInterval` (default 1s).
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-prometheus-'));
  const interval = options.scrapeInterval ?? '1s';
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      `  - job_name: ${JSON.stringify(options.job)}`,
      '    static_configs:',
      `      - targets: ${JSON.stringify(options.targets)}`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${String(port)}`;
  const child: ChildProcess = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${String(port)}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const poll = async (check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline)
        throw new Error(`prometheus: ${what} within ${String(timeoutMs)} ms; ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  try {
    await poll(async () => (await fetch(`${url}/-/ready`)).status === 200, 'not ready', 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    waitForTargetsUp: (timeoutMs = 20_000) =>
      poll(
        async () => {
          const up = await instantValues(url, `up{job=${JSON.stringify(options.job)}}`);
          return up.length === options.targets.length && up.every((v) => v === 1);
        },
        `targets of ${options.job} not up`,
        timeoutMs,
      ),
    stop,
  };
}
