import { describe, expect, it } from 'vitest';
import { parseReleaseRole } from '../../src/runtime/release-role.ts';

describe('parseReleaseRole', () => {
  it.each([
    ['live', 'live'],
    ['standby', 'standby'],
    // As the deploy target writes it (writeRole: the role and a newline), or an editor would.
    ['live\n', 'live'],
    ['standby\n', 'standby'],
    ['  standby \r\n', 'standby'],
    ['\tlive\n\n', 'live'],
  ] as const)('reads %j as %s', (text, role) => {
    expect(parseReleaseRole(text)).toBe(role);
  });

  it.each([
    '',
    '\n',
    'LIVE',
    'Standby',
    'blue',
    'live standby',
    'live\nstandby',
    'role: live',
    '"live"',
    'liveness',
  ])('names no role in %j (null: the release keeps the role it has)', (text) => {
    expect(parseReleaseRole(text)).toBeNull();
  });
});
