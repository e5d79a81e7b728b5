import { describe, expect, it } from 'vitest';
import { HermesError } from '../../src/errors/hermes-error.ts';
import type { Gate, GateContext, GateOutcome } from '../../src/gates/gate.ts';
import { runGate } from '../../src/gates/runner/run-gate.ts';
import { validateGates } from '../../src/gates/runner/validate-gates.ts';
import { configWith, fakeGate, passing } from './support/fake-gate.ts';

// runGate on what a gate of another team may hand back or throw, and validateGates on the
// mistakes a configuration can make: each answer names what went wrong.
const context = (signal: AbortSignal) => ({ signal }) as unknown as GateContext;
const outcomeOf = (run: Gate['run'], cancel?: AbortSignal) =>
  runGate({ ...fakeGate('x.gate', passing), run }, 5_000, context, cancel);

describe('runGate on a malformed outcome', () => {
  it('is an error when the outcome is not an object with a summary', async () => {
    for (const outcome of [undefined, 'pass', { status: 'pass' }]) {
      expect(await outcomeOf(() => Promise.resolve(outcome as unknown as GateOutcome))).toEqual({
        status: 'error',
        summary: 'the gate returned no summary',
        reason: 'malformed outcome',
      });
    }
  });

  it('is an error naming a status the engine does not know', async () => {
    const outcome = { status: 'ok', summary: 'all good' } as unknown as GateOutcome;
    expect(await outcomeOf(() => Promise.resolve(outcome))).toEqual({
      status: 'error',
      summary: 'the gate returned no valid status',
      reason: 'status "ok"',
    });
  });

  it('trims the summary and reason, and puts the status for a summary of blanks', async () => {
    expect(
      await outcomeOf(() => Promise.resolve({ status: 'warn', summary: '  ', reason: ' slow \n' })),
    ).toEqual({
      status: 'warn',
      summary: 'warn',
      reason: 'slow',
    });
  });
});

describe('runGate on a gate that throws', () => {
  it('gives a HermesError’s message with its details', async () => {
    const error = new HermesError('gates_invalid', 'the gates are misconfigured', {
      details: ['gate a.b: defined twice', 'gate c.d: depends on e.f, which is no gate'],
    });
    expect(await outcomeOf(() => Promise.reject(error))).toEqual({
      status: 'error',
      summary:
        'the gate failed to run: the gates are misconfigured; gate a.b: defined twice; gate c.d: depends on e.f, which is no gate',
      reason:
        'the gates are misconfigured; gate a.b: defined twice; gate c.d: depends on e.f, which is no gate',
    });
  });

  it('names an Error without a message by its name, and anything else thrown by its text', async () => {
    expect((await outcomeOf(() => Promise.reject(new TypeError()))).reason).toBe('TypeError');
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what a careless gate does
    expect((await outcomeOf(() => Promise.reject('disk full'))).reason).toBe('disk full');
  });
});

describe('runGate when the run is cancelled', () => {
  it('does not wait for a gate whose run was cancelled before it started', async () => {
    const cancel = new AbortController();
    cancel.abort();
    let sawAborted: boolean | undefined;
    const outcome = await outcomeOf((ctx) => {
      sawAborted = ctx.signal.aborted;
      // Never settles: only the cancellation can end it.
      return new Promise<GateOutcome>(() => undefined);
    }, cancel.signal);
    expect(outcome).toEqual({
      status: 'error',
      summary: 'the run was cancelled',
      reason: 'the run was cancelled',
    });
    expect(sawAborted).toBe(true);
  });
});

describe('validateGates', () => {
  const config = (custom: unknown[] = []) => configWith({ custom });

  it('names a gate defined twice, and a custom gate that takes a built-in id by its index', () => {
    const gates = [
      fakeGate('a.one', passing),
      fakeGate('a.one', passing),
      fakeGate('db.connectivity', passing),
    ];
    const custom = [{ id: 'db.connectivity', kind: 'shell', command: 'true' }];
    expect(validateGates([...gates, fakeGate('db.connectivity', passing)], config(custom))).toEqual([
      'gate a.one: defined twice',
      'gates.custom.0.id: expected a new id, got "db.connectivity", which is a built-in gate',
    ]);
  });

  it('names a dependency that runs in another stage, by the custom gate’s index when it is one', () => {
    const gates = [
      fakeGate('db.connectivity', passing, { stage: 'pre-deploy' }),
      fakeGate('smoke.after', passing, { stage: 'post-deploy', dependsOn: ['db.connectivity'] }),
      fakeGate('b.other', passing, { stage: 'deploy', dependsOn: ['db.connectivity'] }),
    ];
    const custom = [{ id: 'smoke.after', kind: 'shell', command: 'true', stage: 'post-deploy' }];
    expect(validateGates(gates, config(custom))).toEqual([
      'gates.custom.0 (smoke.after): depends on db.connectivity, which runs in stage pre-deploy, not post-deploy',
      'gate b.other: depends on db.connectivity, which runs in stage pre-deploy, not deploy',
    ]);
  });

  it('reports each cycle once, a self-dependency included', () => {
    const gates = [
      fakeGate('s.self', passing, { dependsOn: ['s.self'] }),
      // Reached from r.d, which is not in the cycle: the cycle is named without it.
      fakeGate('r.d', passing, { dependsOn: ['r.a'] }),
      fakeGate('r.a', passing, { dependsOn: ['r.b'] }),
      fakeGate('r.b', passing, { dependsOn: ['r.c'] }),
      fakeGate('r.c', passing, { dependsOn: ['r.a'] }),
    ];
    expect(validateGates(gates, config())).toEqual([
      'dependency cycle: s.self → s.self',
      'dependency cycle: r.a → r.b → r.c → r.a',
    ]);
  });

  it('has nothing to say about gates that are fine', () => {
    const gates = [fakeGate('a.one', passing), fakeGate('a.two', passing, { dependsOn: ['a.one'] })];
    expect(validateGates(gates, configWith({ overrides: { 'a.two': { advisory: true } } }))).toEqual([]);
  });
});
