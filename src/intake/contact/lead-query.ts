import { DatabaseError } from '../../db/database-error.ts';
import type { ServiceMetrics } from '../../observability/service-metrics.ts';
import { isDatabaseUnavailable } from '../database-unavailable.ts';
import type { HttpProblem } from '../http-problem.ts';
import { leadMayNotBeStored } from './contact-problems.ts';

/**
 * Runs one of the contact route's database operations, timed. A database that may come back
 * gives a 503 problem back (the route answers it, as a page for a form post), its error counted
 * here since the error handler never sees it; any other failure is the service's own: counted as
 * an `error` lead and thrown to the HTTP edge, which counts and answers it.
 */
export async function leadQuery<T>(
  metrics: ServiceMetrics,
  operation: string,
  retryAfterS: number,
  work: () => Promise<T>,
): Promise<T | HttpProblem> {
  const stopTimer = metrics.databaseQueryDuration.startTimer({ operation });
  try {
    return await work();
  } catch (error) {
    if (!isDatabaseUnavailable(error)) {
      metrics.leadsReceived.inc({ outcome: 'error' });
      throw error;
    }
    if (error instanceof DatabaseError) metrics.databaseErrors.inc({ kind: error.kind });
    return leadMayNotBeStored(retryAfterS);
  } finally {
    stopTimer();
  }
}
