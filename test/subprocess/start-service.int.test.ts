import { describe, expect, it } from 'vitest';
import { startService } from '../../src/gates/builtin/tests/start-service.ts';
import { hasCode } from '../../src/errors/hermes-error.ts';
import { goneWithin, grandchildScript, isAlive } from './support/grandchild.ts';

const options = (signal: AbortSignal, timeoutMs = 5_000) => ({
  cwd: process.cwd(),
  env: process.env,
  timeoutMs,
  signal,
});

describe('startService', () => {
  it('finds the URL the service prints and stops the service with what it started', async () => {
    const grandchild = grandchildScript(`echo 'Hermes listening on http://127.0.0.1:4321';`);
    const service = await startService(
      ['/bin/sh', '-c', grandchild.script],
      options(new AbortController().signal),
    );
    expect(service.url).toBe('http://127.0.0.1:4321');
    expect(service.output()).toContain('Hermes listening on');
    const pid = await grandchild.pid();
    expect(isAlive(service.pid)).toBe(true);
    await service.stop();
    expect(await goneWithin(pid)).toBe(true);
    expect(isAlive(service.pid)).toBe(false);
    // A second stop finds nothing to signal.
    await service.stop();
  });

  it('reads the resident memory of a running service', async () => {
    const service = await startService(
      ['/bin/sh', '-c', `echo http://127.0.0.1:1; sleep 30`],
      options(new AbortController().signal),
    );
    try {
      if (process.platform === 'linux') expect(service.rssMb()).toBeGreaterThanOrEqual(0);
    } finally {
      await service.stop();
    }
    expect(service.rssMb()).toBeUndefined();
  });

  it('ends the service and what it started when the signal aborts during start-up', async () => {
    const grandchild = grandchildScript();
    const abort = new AbortController();
    const starting = startService(['/bin/sh', '-c', grandchild.script], options(abort.signal));
    const pid = await grandchild.pid();
    abort.abort();
    const error: unknown = await starting.catch((thrown: unknown) => thrown);
    expect(hasCode(error, 'gate_service_start_failed')).toBe(true);
    expect(await goneWithin(pid)).toBe(true);
  });

  it('fails naming the exit when the service ends before printing a URL', async () => {
    const error: unknown = await startService(
      ['/bin/sh', '-c', 'echo booting; exit 7'],
      options(new AbortController().signal),
    ).catch((thrown: unknown) => thrown);
    expect(hasCode(error, 'gate_service_start_failed')).toBe(true);
    expect((error as Error).message).toMatch(/exited \(code 7\) before listening: booting/);
  });

  it('fails, rather than crashing the run, when the program cannot be started', async () => {
    const error: unknown = await startService(
      ['hermes-no-such-program'],
      options(new AbortController().signal),
    ).catch((thrown: unknown) => thrown);
    expect(hasCode(error, 'gate_service_start_failed')).toBe(true);
    expect((error as Error).message).toMatch(/ENOENT/);
  });

  it('fails when no URL comes within the start-up time, ending what it started', async () => {
    const grandchild = grandchildScript();
    const starting = startService(
      ['/bin/sh', '-c', grandchild.script],
      options(new AbortController().signal, 300),
    );
    const pid = await grandchild.pid();
    const error: unknown = await starting.catch((thrown: unknown) => thrown);
    expect((error as Error).message).toMatch(/no URL printed within 300 ms/);
    expect(await goneWithin(pid)).toBe(true);
  });
});
