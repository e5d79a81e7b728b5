import { describe, expect, it } from 'vitest';
import { AdminLockouts } from '../../src/intake/admin-lockouts.ts';

// The admin routes' lockouts: a client over its refused-attempts budget waits out its window,
// and a flood of addresses cannot make the list grow past its capacity.

describe('AdminLockouts', () => {
  it('says how many whole seconds a locked-out client must wait, rounded up, at least 1', () => {
    const lockouts = new AdminLockouts(10);
    lockouts.lock('203.0.113.7', 60_000, 1_000);
    expect(lockouts.remainingS('203.0.113.7', 1_000)).toBe(60);
    expect(lockouts.remainingS('203.0.113.7', 1_001)).toBe(60);
    expect(lockouts.remainingS('203.0.113.7', 60_500)).toBe(1);
    expect(lockouts.remainingS('203.0.113.7', 60_999)).toBe(1);
    expect(lockouts.remainingS('198.51.100.1', 1_000)).toBeUndefined();
  });

  it('lets the client in again once its window has ended, and forgets it', () => {
    const lockouts = new AdminLockouts(10);
    lockouts.lock('203.0.113.7', 5_000, 0);
    expect(lockouts.remainingS('203.0.113.7', 5_000)).toBeUndefined();
    // Forgotten, not merely expired: an earlier clock no longer finds it.
    expect(lockouts.remainingS('203.0.113.7', 0)).toBeUndefined();
  });

  it('forgets the oldest lockout past its capacity, counting a renewed one as the newest', () => {
    const lockouts = new AdminLockouts(2);
    lockouts.lock('a', 60_000, 0);
    lockouts.lock('b', 60_000, 0);
    // Renewed: `a` becomes the newest, so `b` is the one forgotten next.
    lockouts.lock('a', 30_000, 0);
    lockouts.lock('c', 60_000, 0);
    expect(lockouts.remainingS('a', 0)).toBe(30);
    expect(lockouts.remainingS('b', 0)).toBeUndefined();
    expect(lockouts.remainingS('c', 0)).toBe(60);
  });
});
