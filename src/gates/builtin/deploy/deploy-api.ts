import { errorMessage } from '../../../errors/error-message.ts';
import type { Gate, GateOutcome } from '../../gate.ts';
import { measure, thrownOutcome } from '../support/outcome.ts';
import type { PipelineHooks } from './pipeline-hooks.ts';

/** §2.3.1 `npm run deploy:api`: the target prepares the release, then switches traffic to it. */
export function deployApiGate(hooks: PipelineHooks): Gate {
  return {
    id: 'deploy.api',
    stage: 'deploy',
    title: 'Deploy the API (deploy:api)',
    description:
      "`npm run deploy:api`: the target prepares the production build as a release (local: the idle colour starts from its own copy and answers /readyz) and then switches traffic to it (local: nginx's upstream rewritten, tested and reloaded; the colour live before becomes a running standby whose delivery worker pauses). A release that fails to prepare or switch is let go, and traffic stays on the previous one.",
    spec: '§2.3.1',
    timeoutMs: 180_000,
    async run(ctx): Promise<GateOutcome> {
      let target;
      let release;
      try {
        target = await hooks.target(ctx);
        release = await hooks.release(ctx);
      } catch (error) {
        return thrownOutcome('no release to deploy', error);
      }
      const started = Date.now();
      ctx.log(`preparing ${release.version} on the ${target.name} target`);
      let prepared;
      try {
        prepared = await target.prepare(release, ctx.signal);
      } catch (error) {
        return { status: 'fail', summary: `the release did not start: ${errorMessage(error)}` };
      }
      hooks.prepared(prepared);
      await hooks.record(ctx, { releaseHandle: prepared.handle });
      const preparedMs = Date.now() - started;
      ctx.log(`switching traffic to ${prepared.handle}`);
      try {
        await target.activate(prepared, ctx.signal);
      } catch (error) {
        await target.discard(prepared);
        return {
          status: 'fail',
          summary: `traffic was not switched to ${prepared.handle}: ${errorMessage(error)}; the previous release keeps serving`,
        };
      }
      hooks.activated(prepared);
      const switchedMs = Date.now() - started - preparedMs;
      return {
        status: 'pass',
        summary: `${release.version} is live as ${prepared.handle} on ${target.publicUrl}`,
        measurements: [
          measure('prepare (until /readyz)', preparedMs, 'ms'),
          measure('switch', switchedMs, 'ms'),
        ],
        evidence: [{ kind: 'text', title: 'release', content: `${prepared.handle}: ${prepared.url}` }],
      };
    },
  };
}
