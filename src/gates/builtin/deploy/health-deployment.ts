import { formatDuration } from '../../../text/duration.ts';
import type { Gate, GateOutcome } from '../../gate.ts';
import { thrownOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import type { DeployStepHooks } from './deploy-step-hooks.ts';
import { judgeHealth } from './judge-health.ts';
import { pollEndpoint } from './poll-endpoint.ts';
import { shownUrl } from './release-endpoint.ts';

export const healthDeploymentId = 'health.deployment';

/** §2.3.1 `npm run health:check:deployment`: the new release's health endpoints answer 200. */
export function healthDeploymentGate(hooks: DeployStepHooks): Gate {
  return {
    id: healthDeploymentId,
    stage: 'deploy',
    title: 'Deployment health checks',
    description:
      '`npm run health:check:deployment`: GETs each configured endpoint of the new release (default /health, /health/database, /health/n8n and /readyz: the service, its database connectivity, its n8n integration and its schema version) every `interval` until it answers 200; passes when all have answered 200 within `deadline` (measured from the first request), with the time each took; fails naming each endpoint that never did, with its last status and body excerpt (secrets masked) or why it got no answer.',
    spec: '§2.3.1',
    // The default deadline (60 s) and a last request; a longer configured deadline needs gates.overrides.
    timeoutMs: 90_000,
    thresholds: (config) =>
      describeThresholds(config, 'deploy', 'health', {
        endpoints: 'the paths on the release that must answer 200',
        deadline: 'how long every endpoint has to answer 200, from the first request (ms)',
        interval: 'the wait between two requests to an endpoint not yet answering 200 (ms)',
        requestTimeout: "one request's longest wait for an answer (ms)",
      }),
    async run(ctx): Promise<GateOutcome> {
      const settings = gateThresholds(ctx.config).deploy.health;
      let base: string;
      try {
        base = await hooks.releaseUrl(ctx);
      } catch (error) {
        return thrownOutcome('no release to check', error);
      }
      ctx.log(
        `polling ${String(settings.endpoints.length)} endpoints of ${shownUrl(base)} for up to ${formatDuration(settings.deadline)}`,
      );
      const options = {
        deadlineMs: settings.deadline,
        intervalMs: settings.interval,
        requestTimeoutMs: settings.requestTimeout,
        signal: ctx.signal,
      };
      try {
        const probes = await Promise.all(settings.endpoints.map((path) => pollEndpoint(base, path, options)));
        return judgeHealth(probes, settings.deadline);
      } catch (error) {
        // Polling throws only when ctx.signal is aborted (the gate's timeout, a cancelled run).
        return thrownOutcome('the health checks did not finish', error);
      }
    },
  };
}
