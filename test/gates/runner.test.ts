import { describe, expect, it } from 'vitest';
import type { GateOutcome } from '../../src/gates/gate.ts';
import { emptyPlan } from '../../src/gates/runner/empty-plan.ts';
import { planStage } from '../../src/gates/runner/plan-stage.ts';
import type { GateResult, StageRun } from '../../src/gates/stage-run-result.ts';
import { configWith, fakeGate, passing, passWith, runFakes } from './support/fake-gate.ts';

const byId = (run: StageRun, id: string): GateResult => {
  const result = run.results.find((r) => r.id === id);
  if (!result) throw new Error(`no result for ${id}`);
  return result;
};

/** Several turns of the event loop: long enough for anything scheduled "at the same time" to start. */
async function yieldTurns(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

function concurrencyProbe() {
  let active = 0;
  let max = 0;
  const run = async (): Promise<GateOutcome> => {
    active += 1;
    max = Math.max(max, active);
    await yieldTurns();
    active -= 1;
    return passing();
  };
  return { run, max: () => max };
}

describe('runner: parallelism', () => {
  it('runs independent gates at the same time, never more than the concurrency', async () => {
    const probe = concurrencyProbe();
    const gates = ['a.one', 'a.two', 'a.three', 'a.four', 'a.five'].map((id) => fakeGate(id, probe.run));
    const run = await runFakes(gates, { config: configWith({ concurrency: 2 }) });
    expect(probe.max()).toBe(2);
    expect(run.counts.pass).toBe(5);
    expect(run.exitCode).toBe(0);
  });

  it('runs one at a time with concurrency 1', async () => {
    const probe = concurrencyProbe();
    const gates = ['a.one', 'a.two', 'a.three'].map((id) => fakeGate(id, probe.run));
    const run = await runFakes(gates, { config: configWith({ concurrency: 1 }) });
    expect(probe.max()).toBe(1);
    expect(run.counts.pass).toBe(3);
  });

  it('runs an exclusive gate alone: nothing beside it when it starts, nothing starts while it runs', async () => {
    let active = 0;
    let started = 0;
    let activeWhenExclusiveRan = -1;
    let startedWhileExclusiveRan = -1;
    const busy = async (): Promise<GateOutcome> => {
      active += 1;
      started += 1;
      await yieldTurns();
      active -= 1;
      return passing();
    };
    const gates = [
      fakeGate('a.one', busy),
      fakeGate(
        'a.alone',
        async () => {
          activeWhenExclusiveRan = active;
          const before = started;
          await yieldTurns();
          startedWhileExclusiveRan = started - before;
          return passing();
        },
        { exclusive: true },
      ),
      fakeGate('a.two', busy),
      fakeGate('a.three', busy),
    ];
    // Listed second, it waits for a.one to finish; listed first, it starts at once and the others wait.
    for (const order of [gates, [gates[1], gates[0], gates[2], gates[3]]]) {
      activeWhenExclusiveRan = -1;
      startedWhileExclusiveRan = -1;
      const run = await runFakes(
        order.filter((g) => g !== undefined),
        { config: configWith({ concurrency: 4 }) },
      );
      expect(activeWhenExclusiveRan).toBe(0);
      expect(startedWhileExclusiveRan).toBe(0);
      expect(run.counts.pass).toBe(4);
    }
  });

  it('starts a dependent only after what it depends on has finished', async () => {
    const finished: string[] = [];
    const startedAfter: Record<string, string[]> = {};
    const track = (id: string) => async (): Promise<GateOutcome> => {
      startedAfter[id] = [...finished];
      await yieldTurns();
      finished.push(id);
      return passing();
    };
    const gates = [
      fakeGate('d.child', track('d.child'), { dependsOn: ['d.parent', 'd.other'] }),
      fakeGate('d.parent', track('d.parent')),
      fakeGate('d.other', track('d.other')),
    ];
    const run = await runFakes(gates, { config: configWith({ concurrency: 4 }) });
    expect(startedAfter['d.child']).toEqual(expect.arrayContaining(['d.parent', 'd.other']));
    expect(run.results.map((r) => r.id)).toEqual(['d.child', 'd.parent', 'd.other']);
  });
});

describe('runner: dependencies', () => {
  it('skips the dependents of a failed gate, transitively, with the reason', async () => {
    let childRan = false;
    const gates = [
      fakeGate('db.connect', () => ({ status: 'fail', summary: 'connection refused' })),
      fakeGate(
        'db.query',
        () => {
          childRan = true;
          return passing();
        },
        { dependsOn: ['db.connect'] },
      ),
      fakeGate('db.plan', passing, { dependsOn: ['db.query'] }),
      fakeGate('code.lint', passing),
    ];
    const run = await runFakes(gates);
    expect(childRan).toBe(false);
    expect(byId(run, 'db.query')).toMatchObject({
      status: 'skip',
      reason: 'depends on db.connect, which failed',
      startedAt: null,
    });
    expect(byId(run, 'db.plan')).toMatchObject({
      status: 'skip',
      reason: 'depends on db.query, which was skipped',
    });
    expect(byId(run, 'code.lint').status).toBe('pass');
    expect(run.exitCode).toBe(1);
  });

  it('skips the dependents of a gate that errored', async () => {
    const gates = [
      fakeGate('db.connect', () => ({ status: 'error', summary: 'no answer', reason: 'ECONNREFUSED' })),
      fakeGate('db.query', passing, { dependsOn: ['db.connect'] }),
    ];
    const run = await runFakes(gates);
    expect(byId(run, 'db.query').reason).toBe('depends on db.connect, which could not judge (error)');
  });

  it('runs the dependents of a gate that warned', async () => {
    const gates = [
      fakeGate('db.connect', () => ({ status: 'warn', summary: 'no SSL' })),
      fakeGate('db.query', passing, { dependsOn: ['db.connect'] }),
    ];
    const run = await runFakes(gates);
    expect(byId(run, 'db.query').status).toBe('pass');
  });

  it('reports a disabled gate as skipped, and runs what depends on it', async () => {
    let ran = false;
    const gates = [
      fakeGate('db.connect', () => {
        ran = true;
        return passing();
      }),
      fakeGate('db.query', passing, { dependsOn: ['db.connect'] }),
    ];
    const run = await runFakes(gates, {
      config: configWith({ overrides: { 'db.connect': { enabled: false } } }),
    });
    expect(ran).toBe(false);
    expect(byId(run, 'db.connect')).toMatchObject({
      status: 'skip',
      reason: 'disabled by gates.overrides.db.connect.enabled',
    });
    expect(byId(run, 'db.query').status).toBe('pass');
  });

  it('with --only, runs only the gates named and does not wait for others', async () => {
    const ran: string[] = [];
    const gate = (id: string, dependsOn: string[] = []) =>
      fakeGate(
        id,
        () => {
          ran.push(id);
          return passing();
        },
        { dependsOn },
      );
    const run = await runFakes([gate('a.one'), gate('a.two', ['a.one']), gate('a.three')], {
      only: ['a.two', 'a.three'],
    });
    expect(ran.sort()).toEqual(['a.three', 'a.two']);
    expect(run.only).toEqual(['a.two', 'a.three']);
  });
});

describe('runner: timeouts, errors and cancellation', () => {
  it('ends a gate that overruns its timeout as error, aborting its signal', async () => {
    let aborted = false;
    const gates = [
      fakeGate(
        'slow.honest',
        (ctx) =>
          new Promise<GateOutcome>((resolve) =>
            ctx.signal.addEventListener('abort', () => {
              aborted = true;
              resolve(passWith('too late'));
            }),
          ),
        { timeoutMs: 150 },
      ),
      // Ignores its signal: the runner must not wait for it.
      fakeGate('slow.deaf', () => new Promise<GateOutcome>(() => undefined), { timeoutMs: 150 }),
    ];
    const run = await runFakes(gates);
    expect(aborted).toBe(true);
    for (const id of ['slow.honest', 'slow.deaf'])
      expect(byId(run, id)).toMatchObject({
        status: 'error',
        summary: 'timed out after 150 ms',
        reason: 'timed out after 150 ms',
      });
    expect(run.exitCode).toBe(1);
  });

  it('takes the timeout from gates.overrides over the gate default', async () => {
    const gates = [
      fakeGate('slow.gate', () => new Promise<GateOutcome>(() => undefined), { timeoutMs: 600_000 }),
    ];
    const run = await runFakes(gates, {
      config: configWith({ overrides: { 'slow.gate': { timeoutMs: 120 } } }),
    });
    expect(byId(run, 'slow.gate')).toMatchObject({
      status: 'error',
      summary: 'timed out after 120 ms',
      timeoutMs: 120,
    });
  });

  it('turns a throw into error with its message', async () => {
    const run = await runFakes([
      fakeGate('boom.gate', () => {
        throw new Error('tool not found: squawk');
      }),
    ]);
    expect(byId(run, 'boom.gate')).toMatchObject({ status: 'error', reason: 'tool not found: squawk' });
  });

  it('gives skip and error a reason even when the gate gave none', async () => {
    const run = await runFakes([fakeGate('no.reason', () => ({ status: 'skip', summary: 'nothing to do' }))]);
    expect(byId(run, 'no.reason').reason).toBe('nothing to do');
  });

  it('never leaves an error with a reason of blanks (an empty output tail)', async () => {
    const run = await runFakes([
      fakeGate('blank.reason', () => ({ status: 'error', summary: 'no coverage to judge', reason: ' \n ' })),
    ]);
    expect(byId(run, 'blank.reason').reason).toBe('no coverage to judge');
  });

  it('on cancellation, aborts running gates and skips the rest', async () => {
    const controller = new AbortController();
    const gates = [
      fakeGate('a.running', (ctx) => {
        // On a later turn, as a SIGINT arrives: not from inside the runner's own scheduling loop.
        setImmediate(() => controller.abort());
        return new Promise<GateOutcome>((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve(passWith('stopped'))),
        );
      }),
      fakeGate('a.later', passing, { dependsOn: ['a.running'] }),
      // Independent, but queued behind a.running (concurrency 1): skipped because of the cancellation itself.
      fakeGate('a.queued', passing),
    ];
    const run = await runFakes(gates, { signal: controller.signal, config: configWith({ concurrency: 1 }) });
    expect(byId(run, 'a.running')).toMatchObject({ status: 'error', reason: 'the run was cancelled' });
    expect(byId(run, 'a.later')).toMatchObject({
      status: 'skip',
      reason: 'depends on a.running, which could not judge (error)',
      startedAt: null,
    });
    expect(byId(run, 'a.queued')).toMatchObject({
      status: 'skip',
      reason: 'the run was cancelled',
      startedAt: null,
    });
  });
});

describe('runner: an abort from inside the scheduling loop', () => {
  it('still gives every gate a result when a gate aborts the run synchronously as it starts', async () => {
    const controller = new AbortController();
    const gates = [
      fakeGate('a.running', (ctx) => {
        controller.abort(); // the abort listener runs the scheduler again, inside the running one
        return new Promise<GateOutcome>((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve(passWith('stopped'))),
        );
      }),
      fakeGate('a.later', passing, { dependsOn: ['a.running'] }),
      fakeGate('a.queued', passing),
    ];
    const run = await runFakes(gates, { signal: controller.signal, config: configWith({ concurrency: 1 }) });
    expect(run.results.map((r) => [r.id, r.status])).toEqual([
      ['a.running', 'error'],
      ['a.later', 'skip'],
      ['a.queued', 'skip'],
    ]);
    expect(run.counts.total).toBe(3);
  });
});

describe('runner: policies and exit codes', () => {
  it('counts an advisory gate’s fail as warn, and it does not block', async () => {
    const gates = [fakeGate('perf.load', () => ({ status: 'fail', summary: '42 req/s, below 50' }))];
    const run = await runFakes(gates, {
      config: configWith({ overrides: { 'perf.load': { advisory: true } } }),
    });
    expect(byId(run, 'perf.load')).toMatchObject({ status: 'warn', outcomeStatus: 'fail', blocking: false });
    expect(run).toMatchObject({ exitCode: 0, status: 'passed' });
  });

  it('applies errorAs: an error counted as warn passes the run', async () => {
    const gates = [
      fakeGate('security.dependencies', () => ({
        status: 'error',
        summary: 'no advisory source',
        reason: 'npm audit answered 405 and no OSV directory exists',
      })),
    ];
    const blocking = await runFakes(gates);
    expect(blocking.exitCode).toBe(1);
    const relaxed = await runFakes(gates, {
      config: configWith({ overrides: { 'security.dependencies': { errorAs: 'warn' } } }),
    });
    expect(byId(relaxed, 'security.dependencies')).toMatchObject({
      status: 'warn',
      outcomeStatus: 'error',
      reason: 'npm audit answered 405 and no OSV directory exists',
    });
    expect(relaxed.exitCode).toBe(0);
  });

  it('exits 0 with warnings, 1 on a blocking failure', async () => {
    const warnOnly = await runFakes([fakeGate('a.warn', () => ({ status: 'warn', summary: 'meh' }))]);
    expect(warnOnly).toMatchObject({ exitCode: 0, status: 'passed', counts: { warn: 1, total: 1 } });
    const failed = await runFakes([
      fakeGate('a.fail', () => ({ status: 'fail', summary: 'bad' })),
      fakeGate('a.ok', passing),
    ]);
    expect(failed).toMatchObject({ exitCode: 1, status: 'failed', counts: { fail: 1, pass: 1, total: 2 } });
  });

  it('exits 2 when a gate needed the database and it was unreachable', async () => {
    const gates = [
      fakeGate('db.read', async (ctx) => {
        await ctx.database();
        return passing();
      }),
      fakeGate('db.write', async (ctx) => {
        await ctx.database();
        return passing();
      }),
    ];
    const run = await runFakes(gates);
    expect(byId(run, 'db.read').status).toBe('error');
    expect(byId(run, 'db.read').reason).toMatch(/ECONNREFUSED|connect/);
    expect(run).toMatchObject({ exitCode: 2, status: 'error' });
    expect(run.notes[0]).toMatch(/^database unreachable: /);
  });

  it('masks personal data a gate put in its summary or evidence', async () => {
    const run = await runFakes([
      fakeGate('db.integrity', () => ({
        status: 'fail',
        summary: 'duplicate email ada@example.com',
        evidence: [
          {
            kind: 'rows',
            title: 'duplicates',
            content: [{ email: 'ada@example.com', phone: '+44 20 7946 0958' }],
          },
        ],
      })),
    ]);
    const text = JSON.stringify(run);
    expect(text).not.toContain('ada@example.com');
    expect(text).not.toContain('7946');
    expect(byId(run, 'db.integrity').summary).toBe('duplicate email a***@example.com');
  });
});

describe('planning', () => {
  const gates = [fakeGate('a.one', passing), fakeGate('b.two', passing, { stage: 'deploy' })];

  it('refuses an unknown --only id, and one of another stage', () => {
    expect(() => planStage(gates, configWith(), { stage: 'pre-deploy', only: ['a.nope'] })).toThrow(
      expect.objectContaining({
        code: 'gates_unknown',
        exitCode: 2,
        details: ['--only a.nope: no such gate (see hermes gates list)'],
      }),
    );
    expect(() => planStage(gates, configWith(), { stage: 'pre-deploy', only: ['b.two'] })).toThrow(
      expect.objectContaining({ details: ['--only b.two: runs in stage deploy, not pre-deploy'] }),
    );
  });

  it('refuses cycles, unknown dependencies and overrides of unknown gates', () => {
    const bad = [
      fakeGate('c.one', passing, { dependsOn: ['c.two'] }),
      fakeGate('c.two', passing, { dependsOn: ['c.one'] }),
      fakeGate('c.three', passing, { dependsOn: ['c.missing'] }),
    ];
    const config = configWith({ overrides: { 'c.ghost': { advisory: true } } });
    expect(() => planStage(bad, config, { stage: 'pre-deploy' })).toThrow(
      expect.objectContaining({
        code: 'gates_invalid',
        exitCode: 2,
        details: [
          'gate c.three: depends on c.missing, which is no gate',
          'dependency cycle: c.one → c.two → c.one',
          'gates.overrides.c.ghost: no such gate (see hermes gates list)',
        ],
      }),
    );
  });
});

describe('a plan that would judge nothing', () => {
  const gates = [
    fakeGate('a.one', passing),
    fakeGate('a.two', passing),
    fakeGate('b.two', passing, { stage: 'deploy' }),
  ];
  const off = (...ids: string[]) =>
    configWith({ overrides: Object.fromEntries(ids.map((id) => [id, { enabled: false }])) });

  it('is nothing to refuse when one gate runs, even beside disabled ones', () => {
    expect(emptyPlan(planStage(gates, configWith(), { stage: 'pre-deploy' }))).toBeNull();
    expect(emptyPlan(planStage(gates, off('a.one'), { stage: 'pre-deploy' }))).toBeNull();
    expect(emptyPlan(planStage(gates, off('a.one'), { stage: 'pre-deploy', only: ['a.two'] }))).toBeNull();
  });

  it('names a stage no gate is defined for, and where to look', () => {
    expect(emptyPlan(planStage(gates, configWith(), { stage: 'rollback' }))).toEqual({
      message: 'stage rollback has no gate to run: nothing would be judged, so it cannot pass',
      details: [
        'no gate is defined for stage rollback: `hermes gates list --stage rollback` lists none',
        'add one to gates.custom with stage: rollback (`hermes gates validate` checks it)',
      ],
    });
  });

  it('names the disabled gates when every gate of the stage, or of the --only selection, is disabled', () => {
    expect(emptyPlan(planStage(gates, off('a.one', 'a.two'), { stage: 'pre-deploy' }))).toEqual({
      message:
        'every gate of the stage is disabled: nothing would be judged, so stage pre-deploy cannot pass',
      details: [
        'disabled by gates.overrides.<id>.enabled: false: a.one, a.two',
        '`hermes gates list --stage pre-deploy` shows them as [disabled]; enable one, or select an enabled gate',
      ],
    });
    const only = emptyPlan(planStage(gates, off('a.one'), { stage: 'pre-deploy', only: ['a.one'] }));
    expect(only?.message).toBe(
      'every gate --only selected is disabled: nothing would be judged, so stage pre-deploy cannot pass',
    );
    expect(only?.details[0]).toBe('disabled by gates.overrides.<id>.enabled: false: a.one');
  });
});
