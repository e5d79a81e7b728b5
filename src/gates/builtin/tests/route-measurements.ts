import type { Measurement } from '../../gate.ts';
import { measure } from '../support/outcome.ts';
import type { RouteLoad } from './load-routes.ts';

/** A route's measurement and how the summary states it when it fails (after the route's name). */
export interface RouteFigure {
  measurement: Measurement;
  failure: string;
}

/**
 * One route judged on its own (spec §1.2.3, API responses < 500 ms): its average and p95 latency
 * against `limitMs`, no non-2xx answer, no error or timeout, and at least one answer — a route
 * that never answered has no latency to judge, which must not read as fast.
 */
export function routeMeasurements(load: RouteLoad, limitMs: number): RouteFigure[] {
  const { route } = load;
  const latency = (label: string, value: number | undefined): RouteFigure[] =>
    value === undefined
      ? []
      : [
          {
            measurement: measure(`${route}: latency ${label}`, value, 'ms', limitMs, '<'),
            failure: `${label} ${value} ms (limit < ${limitMs} ms)`,
          },
        ];
  return [
    ...latency('p95', load.p95Ms),
    ...latency('average', load.averageMs),
    {
      measurement: measure(`${route}: non-2xx responses`, load.non2xx, 'count', 0, '=='),
      failure: `non-2xx responses ${load.non2xx} count (limit == 0)`,
    },
    {
      measurement: measure(`${route}: errors and timeouts`, load.errors, 'count', 0, '=='),
      failure: `errors and timeouts ${load.errors} count (limit == 0)`,
    },
    {
      measurement: measure(`${route}: requests sent`, load.responses, 'count', 0, '>'),
      failure: 'no response',
    },
  ];
}

/** `POST /api/contact 12.5 ms avg / 30 ms p95`, for the gate's one-line figures. */
export function routeSummary(load: RouteLoad): string {
  if (load.averageMs === undefined || load.p95Ms === undefined) return `${load.route} no response`;
  return `${load.route} ${load.averageMs} ms avg / ${load.p95Ms} ms p95`;
}

/** `POST /api/contact: p95 812 ms (limit < 500 ms), average 640 ms (limit < 500 ms)`, or nothing. */
export function routeFailure(route: string, figures: readonly RouteFigure[]): string | undefined {
  const failed = figures.filter((f) => f.measurement.passed === false).map((f) => f.failure);
  return failed.length === 0 ? undefined : `${route}: ${failed.join(', ')}`;
}
