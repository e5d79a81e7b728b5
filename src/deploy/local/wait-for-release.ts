import { HermesError } from '../../errors/hermes-error.ts';

import { poll } from './poll.ts';

/**
 * Waits until `url`'s /health answers 200 from the release asked for (its deployment id; any
 * release when it has none): after `nginx -s reload` new workers take new connections, so the
 * public URL serves the new colour within moments.
 */
export async function waitForRelease(
  url: string,
  options: { deploymentId: string | null; timeoutMs: number; signal: AbortSignal },
): Promise<void> {
  const last = await poll(
    async () => {
      try {
        const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
        const body = (await response.json()) as { deployment_id?: unknown };
        if (
          response.status === 200 &&
          (options.deploymentId === null || body.deployment_id === options.deploymentId)
        )
          return null;
        return `/health answered ${String(response.status)} from deployment ${typeof body.deployment_id === 'string' ? body.deployment_id : 'none'}`;
      } catch (error) {
        return `/health: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
    { timeoutMs: options.timeoutMs, intervalMs: 100, signal: options.signal },
  );
  if (last === null) return;
  throw new HermesError(
    'deploy_target_failed',
    `${url} did not serve the new release within ${String(options.timeoutMs)} ms (${last})`,
  );
}
