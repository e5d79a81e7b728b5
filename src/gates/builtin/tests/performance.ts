import type { Gate, GateOutcome, Measurement } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { withMigratedScratch } from '../support/migrated-scratch.ts';
import { listSome, measure, thrownOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { loadRoutes, loadTotals, type RouteLoad } from './load-routes.ts';
import { measureDbOperations } from './measure-db-operations.ts';
import { routeFailure, routeMeasurements, routeSummary } from './route-measurements.ts';
import { serviceCommandSkip } from './service-command.ts';
import { startService } from './start-service.ts';
import { nestedSkip, nestedVariable } from './vitest-run.ts';

export const performanceGate: Gate = {
  id: 'tests.performance',
  stage: 'pre-deploy',
  title: 'Performance',
  description:
    "On a scratch database migrated to the newest migration: times the service's database operations (insert a lead, find it by email and by lead_id; only where the schema has Hermes's hermes_leads); then starts the service against it (`command`, PORT=0) and loads each configured request on its own with autocannon (the duration split between them), judging every route's average and p95 latency, non-2xx answers and errors, the overall throughput and the service's resident memory (peak, from /proc). Skips on a project without bin/hermes.js until `command` is configured.",
  spec: '§1.2.3',
  timeoutMs: 300_000,
  thresholds: (config) =>
    describeThresholds(config, 'tests', 'performance', {
      dbAvgMs: 'maximum average database operation time (ms)',
      apiAvgMs:
        'maximum average and p95 latency of each route (ms), unless a request sets its own maxLatencyMs',
      minRequestsPerSecond: 'minimum throughput (req/s)',
      maxRssMb: 'maximum resident memory of the service (MB)',
      command: 'how the service is started',
      requests: 'the requests sent, each loaded and judged on its own',
      durationSeconds: 'load duration (s), split between the requests (at least 1 s each)',
      connections: 'concurrent connections',
    }),
  run: async (ctx) => {
    const settings = gateThresholds(ctx.config).tests.performance;
    // Before the database is opened: a gate with nothing to load needs none.
    const skip = nestedSkip(ctx) ?? serviceCommandSkip(settings.command, ctx.cwd);
    if (skip) return skip;
    return withGateDatabase(ctx, 'measure performance', async (db): Promise<GateOutcome> => {
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
          return thrownOutcome('the service did not start', error);
        }
        let peakRss = service.rssMb();
        const sampler = setInterval(() => {
          const rss = service.rssMb();
          if (rss !== undefined) peakRss = Math.max(peakRss ?? 0, rss);
        }, 250);
        let loads: RouteLoad<(typeof settings.requests)[number]>[];
        try {
          loads = await loadRoutes({
            url: service.url,
            connections: settings.connections,
            durationSeconds: settings.durationSeconds,
            requests: settings.requests,
          });
        } finally {
          clearInterval(sampler);
          await service.stop();
        }
        const routes = loads.map((load) => ({
          load,
          figures: routeMeasurements(load, load.request.maxLatencyMs ?? settings.apiAvgMs),
        }));
        const totals = loadTotals(loads);
        const overall: Measurement[] = [
          ...(dbOps === null
            ? []
            : [
                measure(
                  'database operation average',
                  Number(dbOps.avgMs.toFixed(2)),
                  'ms',
                  settings.dbAvgMs,
                  '<',
                ),
              ]),
          measure('throughput', totals.requestsPerSecond, 'req/s', settings.minRequestsPerSecond, '>'),
          ...(peakRss === undefined
            ? []
            : [measure('peak resident memory', peakRss, 'MB', settings.maxRssMb, '<=')]),
          // Totals over every route, for the record: each route is judged on its own above.
          measure('API latency average', totals.averageMs, 'ms'),
          measure('non-2xx responses', totals.non2xx, 'count'),
          measure('errors and timeouts', totals.errors, 'count'),
          measure('requests sent', totals.responses, 'count'),
        ];
        const measurements = [...routes.flatMap((r) => r.figures.map((f) => f.measurement)), ...overall];
        // The failing routes first, named, then whatever failed overall.
        const failures = [
          ...routes.flatMap((r) => routeFailure(r.load.route, r.figures) ?? []),
          ...overall
            .filter((m) => m.passed === false)
            .map(
              (m) => `${m.name} ${m.value} ${m.unit} (limit ${m.comparison ?? ''} ${String(m.threshold)})`,
            ),
        ];
        const dbFigure =
          dbOps === null
            ? 'DB operations not timed (no hermes_leads)'
            : `DB ${dbOps.avgMs.toFixed(2)} ms avg`;
        const figures = `${dbFigure}; ${loads.map(routeSummary).join(', ')}; ${totals.requestsPerSecond} req/s${peakRss === undefined ? '' : `, ${peakRss} MB peak`}`;
        const evidence = [
          {
            kind: 'rows' as const,
            title: 'load per route',
            content: routes.map(({ load, figures: judged }) => ({
              route: load.route,
              requests: load.responses,
              'average ms': load.averageMs ?? null,
              'p95 ms': load.p95Ms ?? null,
              'max ms': load.maxMs ?? null,
              'limit ms': load.request.maxLatencyMs ?? settings.apiAvgMs,
              non2xx: load.non2xx,
              errors: load.errors,
              seconds: load.durationSeconds,
              passed: judged.every((f) => f.measurement.passed !== false),
            })),
          },
        ];
        if (failures.length > 0) {
          return {
            status: 'fail',
            summary: `${listSome(failures)}; ${figures}`,
            measurements,
            evidence,
          };
        }
        return { status: 'pass', summary: figures, measurements, evidence };
      });
    });
  },
};
