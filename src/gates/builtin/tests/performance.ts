import { createRequire } from 'node:module';
import type { Gate, GateOutcome } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { withMigratedScratch } from '../support/migrated-scratch.ts';
import { errorOutcome, listSome, measure } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { measureDbOperations } from './measure-db-operations.ts';
import { startService } from './start-service.ts';
import { nestedSkip, nestedVariable } from './vitest-run.ts';

/** The part of autocannon's API and result the gate uses (autocannon ships no type declarations). */
interface LoadResult {
  latency: { average: number; p99: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: { method: string; path: string; body?: string; headers: Record<string, string> }[];
}) => Promise<LoadResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export const performanceGate: Gate = {
  id: 'tests.performance',
  stage: 'pre-deploy',
  title: 'Performance',
  description:
    "On a scratch database migrated to the newest migration: times the service's database operations (insert a lead, find it by email and by lead_id); then starts the service against it (`command`, PORT=0) and loads the configured requests with autocannon, measuring average latency, throughput, non-2xx answers and the service's resident memory (peak, from /proc).",
  spec: '§1.2.3',
  timeoutMs: 300_000,
  thresholds: (config) =>
    describeThresholds(config, 'tests', 'performance', {
      dbAvgMs: 'maximum average database operation time (ms)',
      apiAvgMs: 'maximum average API latency (ms)',
      minRequestsPerSecond: 'minimum throughput (req/s)',
      maxRssMb: 'maximum resident memory of the service (MB)',
      command: 'how the service is started',
      requests: 'the requests sent',
      durationSeconds: 'load duration (s)',
      connections: 'concurrent connections',
    }),
  run: (ctx) =>
    withGateDatabase(ctx, 'measure performance', async (db): Promise<GateOutcome> => {
      const skip = nestedSkip(ctx);
      if (skip) return skip;
      const settings = gateThresholds(ctx.config).tests.performance;
      return withMigratedScratch(ctx, db, async (pool) => {
        const dbOps = await measureDbOperations(pool, settings.dbIterations);
        const scratchUrl = (pool.options as { connectionString?: string }).connectionString ?? '';
        let service;
        try {
          service = await startService(settings.command, {
            cwd: ctx.cwd,
            env: {
              ...process.env,
              ...ctx.env,
              DATABASE_URL: scratchUrl,
              HOST: '127.0.0.1',
              PORT: '0',
              LOG_LEVEL: 'warn',
              HERMES_RATE_LIMIT: 'off',
              HERMES_MIN_FILL_MS: '0',
              [nestedVariable]: '1',
            },
            timeoutMs: settings.startTimeoutMs,
            signal: ctx.signal,
          });
        } catch (error) {
          return errorOutcome(
            'the service did not start',
            error instanceof Error ? error.message : String(error),
          );
        }
        let peakRss = service.rssMb();
        const sampler = setInterval(() => {
          const rss = service.rssMb();
          if (rss !== undefined) peakRss = Math.max(peakRss ?? 0, rss);
        }, 250);
        let load: LoadResult;
        try {
          load = await autocannon({
            url: service.url,
            connections: settings.connections,
            duration: settings.durationSeconds,
            requests: settings.requests.map((r) => ({
              method: r.method,
              path: r.path,
              ...(r.body === undefined ? {} : { body: r.body }),
              headers: { 'content-type': r.contentType },
            })),
          });
        } finally {
          clearInterval(sampler);
          await service.stop();
        }
        const measurements = [
          measure('database operation average', Number(dbOps.avgMs.toFixed(2)), 'ms', settings.dbAvgMs, '<'),
          measure('API latency average', load.latency.average, 'ms', settings.apiAvgMs, '<'),
          measure('throughput', load.requests.average, 'req/s', settings.minRequestsPerSecond, '>'),
          measure('non-2xx responses', load.non2xx, 'count', 0, '=='),
          measure('errors and timeouts', load.errors + load.timeouts, 'count', 0, '=='),
          ...(peakRss === undefined
            ? []
            : [measure('peak resident memory', peakRss, 'MB', settings.maxRssMb, '<=')]),
          measure('API latency p99', load.latency.p99, 'ms'),
          measure('requests sent', load.requests.total, 'count'),
        ];
        const failed = measurements.filter((m) => m.passed === false);
        const figures = `DB ${dbOps.avgMs.toFixed(2)} ms avg, API ${load.latency.average} ms avg, ${load.requests.average} req/s${peakRss === undefined ? '' : `, ${peakRss} MB peak`}`;
        const evidence = [
          {
            kind: 'rows' as const,
            title: 'load',
            content: settings.requests.map((r) => ({ method: r.method, path: r.path })),
          },
        ];
        if (failed.length > 0) {
          return {
            status: 'fail',
            summary: `${listSome(failed.map((m) => `${m.name} ${m.value} ${m.unit} (limit ${m.comparison ?? ''} ${String(m.threshold)})`))}; ${figures}`,
            measurements,
            evidence,
          };
        }
        return { status: 'pass', summary: figures, measurements, evidence };
      });
    }),
};
