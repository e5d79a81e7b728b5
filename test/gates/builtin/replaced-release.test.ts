import { describe, expect, it } from 'vitest';
import {
  configuredVersion,
  newestVersionIn,
  versionBeforeRelease,
} from '../../../src/gates/builtin/db/replaced-release.ts';
import { formatRelease } from '../../../src/migrations/release-of.ts';

describe('the release being replaced', () => {
  it("is the newest migration not applied by this release; rows without a release aren't this release's", () => {
    const rows = [
      { version: '0001', release: null },
      { version: '0002', release: '1.3.0+aaa' },
      { version: '0003', release: '1.4.0+bbb' },
      { version: '0004', release: '1.4.0+bbb' },
    ];
    expect(versionBeforeRelease(rows, '1.4.0+bbb')).toBe('0002');
    expect(versionBeforeRelease(rows.slice(2), '1.4.0+bbb')).toBe('0');
    expect(versionBeforeRelease(rows, null)).toBe('0004');
    expect(versionBeforeRelease([], '1.4.0+bbb')).toBe('0');
  });

  it("reads the newest up migration of a git tree listing, '0' for none", () => {
    expect(
      newestVersionIn(['migrations/0001_a.up.sql', 'migrations/0010_b.down.sql', 'migrations/0002_c.up.sql']),
    ).toBe('0002');
    expect(newestVersionIn(['', 'migrations/README.md'])).toBe('0');
  });

  it("spells a configured version as the code's file does, and names one it does not have", () => {
    const files = [{ version: '0001' }, { version: '0023' }];
    expect(configuredVersion('23', files)).toBe('0023');
    expect(configuredVersion('0', files)).toBe('0');
    expect(() => configuredVersion('0024', files)).toThrow('no migration numbered 0024 (known: 0001, 0023)');
  });

  it('formats a release from the package version and the commit', () => {
    expect(formatRelease('0.1.0', '99928ab')).toBe('0.1.0+99928ab');
    expect(formatRelease('0.1.0', null)).toBe('0.1.0');
    expect(formatRelease(null, '99928ab')).toBe('99928ab');
    expect(formatRelease(null, null)).toBeNull();
  });
});
