import { errorMessage } from '../../../../errors/error-message.ts';
import { formatDuration } from '../../../../text/duration.ts';
import type { GateContext } from '../../../gate.ts';
import { plural } from '../../support/outcome.ts';
import type { gateThresholds } from '../../support/thresholds.ts';
import { adminProbeRoutes } from './admin-routes.ts';
import type { CriterionResult } from './finding.ts';
import { authCriterion, judgeAuth } from './judge-auth.ts';
import { probeAdminRoutes, type RequestOptions } from './probe-http.ts';
import { recentRefusals, type RecentRefusals } from './recent-refusals.ts';

type Settings = ReturnType<typeof gateThresholds>['security']['production'];

/**
 * Earlier scans' refusals count for the guard's window plus this margin: its window starts at a
 * scan's first probe, a little after the gate started.
 */
const refusalWindowMarginMs = 60_000;

/** How many refused admin requests this scan may send, and what earlier scans already spent. */
interface AuthBudget {
  budget: number;
  earlier: RecentRefusals | null;
}

/**
 * Below the guard's per-address budget, less what the recorded scans of its window spent, so that
 * no scan locks out its own address (nor anyone sharing it, nor the E2E gate's key check). An
 * explicit `maxRefusedProbes` is per scan, as written.
 */
async function authBudget(ctx: GateContext, settings: Settings): Promise<AuthBudget> {
  if (settings.maxRefusedProbes !== null) return { budget: settings.maxRefusedProbes, earlier: null };
  const limit = ctx.config.admin.rateLimit;
  if (!limit.enabled) return { budget: Number.POSITIVE_INFINITY, earlier: null };
  const earlier = await recentRefusals(
    (await ctx.database()).pool,
    limit.refusedWindowMs + refusalWindowMarginMs,
  );
  return { budget: Math.max(0, limit.refusedMax - 1 - earlier.refused), earlier };
}

/** The authentication criterion: the admin routes probed within the budget, or why not. */
export async function judgeAdminRoutes(
  ctx: GateContext,
  base: string,
  settings: Settings,
  options: RequestOptions,
): Promise<CriterionResult> {
  let allowed: AuthBudget;
  try {
    allowed = await authBudget(ctx, settings);
  } catch (error) {
    return warned(
      `not probed: what earlier scans spent of the admin guard's refused-attempts budget could not be read (${errorMessage(error)})`,
    );
  }
  const limit = ctx.config.admin.rateLimit;
  const { earlier } = allowed;
  const spentText =
    earlier === null || earlier.since === null
      ? ''
      : `the scans since ${earlier.since.toISOString()} sent ${plural(earlier.refused, 'refused admin request')}, of the ${String(limit.refusedMax)} the guard allows an address per ${windowText(limit.refusedWindowMs)}`;
  if (allowed.budget <= 0) {
    if (earlier?.since == null)
      return warned(
        `not probed: admin.rateLimit.refusedMax is ${String(limit.refusedMax)}: one refused request would lock this address out`,
      );
    const again = new Date(earlier.since.getTime() + limit.refusedWindowMs + refusalWindowMarginMs);
    return warned(
      `not probed: ${spentText}; one more would lock this address out (the E2E gate's key check too). Scan again after ${again.toISOString()}`,
    );
  }
  const routes = adminProbeRoutes(ctx.config.intake);
  const { probes, unsent } = await probeAdminRoutes(base, routes, allowed.budget, options);
  const result = judgeAuth(probes, unsent);
  if (spentText === '') return result;
  return {
    ...result,
    findings: [
      ...result.findings,
      { level: 'note', text: `${spentText}: this scan sent at most ${String(allowed.budget)}` },
    ],
  };
}

/** `15 min` rather than `15 min 0 s`. */
function windowText(ms: number): string {
  return ms % 60_000 === 0 ? `${String(ms / 60_000)} min` : formatDuration(ms);
}

function warned(text: string): CriterionResult {
  return { criterion: authCriterion, findings: [{ level: 'warn', text }], measurements: [] };
}
