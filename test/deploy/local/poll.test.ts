import { describe, expect, it } from 'vitest';
import { poll } from '../../../src/deploy/local/poll.ts';

describe('poll', () => {
  it('tries until the attempt succeeds, and says nothing', async () => {
    let tries = 0;
    const result = await poll(() => Promise.resolve(++tries < 3 ? `try ${String(tries)}` : null), {
      timeoutMs: 5_000,
      intervalMs: 1,
    });
    expect(result).toBeNull();
    expect(tries).toBe(3);
  });

  it('gives the last reason once the deadline passes', async () => {
    let tries = 0;
    const result = await poll(() => Promise.resolve(`not yet (${String(++tries)})`), {
      timeoutMs: 50,
      intervalMs: 5,
    });
    expect(tries).toBeGreaterThan(1);
    expect(result).toBe(`not yet (${String(tries)})`);
  });

  it('stops trying when the signal aborts', async () => {
    const controller = new AbortController();
    let tries = 0;
    const result = await poll(
      () => {
        tries += 1;
        if (tries === 2) controller.abort();
        return Promise.resolve('waiting');
      },
      { timeoutMs: 10_000, intervalMs: 1, signal: controller.signal },
    );
    expect(result).toBe('waiting');
    expect(tries).toBe(2);
  });

  it('ends the wait with what the attempt throws', async () => {
    await expect(
      poll(() => Promise.reject(new Error('the release exited')), { timeoutMs: 1_000, intervalMs: 1 }),
    ).rejects.toThrow('the release exited');
  });
});
