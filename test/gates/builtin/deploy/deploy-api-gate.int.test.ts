import { describe, expect, it } from 'vitest';
import type { Release, ReleaseInfo, Target } from '../../../../src/deploy/target/target.ts';
import { deployApiGate } from '../../../../src/gates/builtin/deploy/deploy-api.ts';
import type { PipelineHooks } from '../../../../src/gates/builtin/deploy/pipeline-hooks.ts';
import { gateContext, type TestGateContext } from '../support/gate-context.ts';
import { recordingHooks } from './support/recording-step-hooks.ts';

/**
 * deploy.api (§2.3.1) against a target of our own: the gate prepares the release, tells the
 * pipeline, records the handle, switches traffic and tells the pipeline again; a release that
 * fails to prepare never gets traffic, one that fails to switch is let go.
 */

/** A Target that keeps the calls made to it (in `events`, shared with the hooks) and fails when told. */
class ScriptedTarget implements Target {
  readonly name = 'command' as const;
  readonly publicUrl = 'http://public.example.test';
  readonly discarded: ReleaseInfo[] = [];
  /** The signal each of prepare and activate was given. */
  readonly signals: AbortSignal[] = [];
  readonly #events: string[];
  readonly #fail: { prepare?: Error; activate?: Error };

  constructor(events: string[], fail: { prepare?: Error; activate?: Error } = {}) {
    this.#events = events;
    this.#fail = fail;
  }

  plan(release: Release): Promise<string[]> {
    return Promise.resolve([`prepare ${release.version}`]);
  }

  prepare(release: Release, signal: AbortSignal): Promise<ReleaseInfo> {
    this.#events.push(`target.prepare ${release.version} from ${release.bundleDir}`);
    this.signals.push(signal);
    if (this.#fail.prepare) return Promise.reject(this.#fail.prepare);
    return Promise.resolve({
      handle: 'green',
      version: release.version,
      deploymentId: release.deploymentId,
      url: 'http://127.0.0.1:9182',
      running: true,
    });
  }

  activate(prepared: ReleaseInfo, signal: AbortSignal): Promise<void> {
    this.#events.push(`target.activate ${prepared.handle}`);
    this.signals.push(signal);
    if (this.#fail.activate) return Promise.reject(this.#fail.activate);
    return Promise.resolve();
  }

  discard(prepared: ReleaseInfo): Promise<void> {
    this.#events.push(`target.discard ${prepared.handle}`);
    this.discarded.push(prepared);
    return Promise.resolve();
  }

  current(): Promise<ReleaseInfo | null> {
    return Promise.resolve(null);
  }

  previous(): Promise<ReleaseInfo | null> {
    return Promise.resolve(null);
  }

  rollback(): Promise<ReleaseInfo> {
    this.#events.push('target.rollback');
    return Promise.reject(new Error('deploy.api never rolls back'));
  }
}

const release: Release = {
  deploymentId: '6b1f6c52-8a3e-4f0e-9d55-0c1d2e3f4a5b',
  version: '2.1.0+abc1234',
  bundleDir: '/srv/shop/dist/production',
  sourceDir: '/srv/shop',
  configFile: null,
  env: { HERMES_X: '1' },
};

interface Harness {
  hooks: PipelineHooks;
  events: string[];
  patches: ReturnType<typeof recordingHooks>['patches'];
  prepared: ReleaseInfo[];
  activated: ReleaseInfo[];
}

/** The pipeline's hooks around `target` (or around what `target`/`release` throw), keeping what they are told. */
function harness(events: string[], target: Target | Error, theRelease: Release | Error = release): Harness {
  const recording = recordingHooks();
  const prepared: ReleaseInfo[] = [];
  const activated: ReleaseInfo[] = [];
  const hooks: PipelineHooks = {
    ...recording,
    record: async (ctx, patch) => {
      events.push(`hooks.record ${JSON.stringify(patch)}`);
      await recording.record(ctx, patch);
    },
    deployment: () => Promise.resolve(null),
    target: () => (target instanceof Error ? Promise.reject(target) : Promise.resolve(target)),
    release: () => (theRelease instanceof Error ? Promise.reject(theRelease) : Promise.resolve(theRelease)),
    prepared: (info) => {
      events.push(`hooks.prepared ${info.handle}`);
      prepared.push(info);
    },
    activated: (info) => {
      events.push(`hooks.activated ${info.handle}`);
      activated.push(info);
    },
  };
  return { hooks, events, patches: recording.patches, prepared, activated };
}

const run = (hooks: PipelineHooks, ctx: TestGateContext = gateContext()) => deployApiGate(hooks).run(ctx);

describe('deploy.api', () => {
  it('passes: prepares, records the handle, switches, and tells the pipeline at each step, in order', async () => {
    const events: string[] = [];
    const target = new ScriptedTarget(events);
    const h = harness(events, target);
    const ctx = gateContext();
    const outcome = await run(h.hooks, ctx);

    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('2.1.0+abc1234 is live as green on http://public.example.test');
    expect(events).toEqual([
      'target.prepare 2.1.0+abc1234 from /srv/shop/dist/production',
      'hooks.prepared green',
      'hooks.record {"releaseHandle":"green"}',
      'target.activate green',
      'hooks.activated green',
    ]);
    const info: ReleaseInfo = {
      handle: 'green',
      version: '2.1.0+abc1234',
      deploymentId: release.deploymentId,
      url: 'http://127.0.0.1:9182',
      running: true,
    };
    expect(h.prepared).toEqual([info]);
    expect(h.activated).toEqual([info]);
    expect(h.patches).toEqual([{ releaseHandle: 'green' }]);
    expect(target.discarded).toEqual([]);
    // The gate's timeout and cancellation reach the target.
    expect(target.signals).toEqual([ctx.signal, ctx.signal]);
    expect(outcome.measurements?.map((m) => [m.name, m.unit])).toEqual([
      ['prepare (until /readyz)', 'ms'],
      ['switch', 'ms'],
    ]);
    for (const m of outcome.measurements ?? []) expect(m.value).toBeGreaterThanOrEqual(0);
    expect(outcome.evidence).toEqual([
      { kind: 'text', title: 'release', content: 'green: http://127.0.0.1:9182' },
    ]);
    expect(ctx.logs).toEqual(['preparing 2.1.0+abc1234 on the command target', 'switching traffic to green']);
  });

  it('fails when the release does not start: nothing recorded, no switch, the pipeline told nothing', async () => {
    const events: string[] = [];
    const target = new ScriptedTarget(events, { prepare: new Error('/readyz answered 503 for 30 s') });
    const h = harness(events, target);
    const outcome = await run(h.hooks);

    expect(outcome).toEqual({
      status: 'fail',
      summary: 'the release did not start: /readyz answered 503 for 30 s',
    });
    expect(events).toEqual(['target.prepare 2.1.0+abc1234 from /srv/shop/dist/production']);
    expect(h.prepared).toEqual([]);
    expect(h.activated).toEqual([]);
    expect(h.patches).toEqual([]);
  });

  it('fails when traffic cannot be switched: the prepared release is let go, the previous keeps serving', async () => {
    const events: string[] = [];
    const target = new ScriptedTarget(events, { activate: new Error('nginx -t: unknown directive') });
    const h = harness(events, target);
    const outcome = await run(h.hooks);

    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'traffic was not switched to green: nginx -t: unknown directive; the previous release keeps serving',
    );
    expect(events).toEqual([
      'target.prepare 2.1.0+abc1234 from /srv/shop/dist/production',
      'hooks.prepared green',
      'hooks.record {"releaseHandle":"green"}',
      'target.activate green',
      'target.discard green',
    ]);
    expect(target.discarded).toEqual(h.prepared);
    expect(target.discarded.map((r) => r.handle)).toEqual(['green']);
    // Never told it went live: the pipeline must not switch "back" from a release that never served.
    expect(h.activated).toEqual([]);
  });

  it('is an error, not a fail, when there is no target to deploy to', async () => {
    const events: string[] = [];
    const h = harness(events, new Error('the local target needs a real PostgreSQL'));
    const outcome = await run(h.hooks);

    expect(outcome).toEqual({
      status: 'error',
      summary: 'no release to deploy',
      reason: 'the local target needs a real PostgreSQL',
    });
    expect(events).toEqual([]);
  });

  it('is an error when the release cannot be made, and asks the target for nothing', async () => {
    const events: string[] = [];
    const target = new ScriptedTarget(events);
    const h = harness(events, target, new Error('dist/production/release.json: no such file'));
    const outcome = await run(h.hooks);

    expect(outcome).toEqual({
      status: 'error',
      summary: 'no release to deploy',
      reason: 'dist/production/release.json: no such file',
    });
    expect(events).toEqual([]);
    expect(target.signals).toEqual([]);
  });
});
