import { afterEach, describe, expect, it } from 'vitest';
import { HermesError } from '../../../src/errors/hermes-error.ts';
import { readLockedPackages } from '../../../src/gates/builtin/security/package-lock.ts';
import { makeProject } from './support/gate-context.ts';

const made: Array<{ remove: () => void }> = [];
afterEach(() => {
  for (const project of made.splice(0)) project.remove();
});

/** A project directory whose package-lock.json is `lock` (an object is written as JSON). */
function withLock(lock: unknown): string {
  const project = makeProject({
    'package-lock.json': typeof lock === 'string' ? lock : JSON.stringify(lock),
  });
  made.push(project);
  return project.dir;
}

function unreadable(cwd: string): HermesError {
  try {
    readLockedPackages(cwd);
  } catch (error) {
    if (error instanceof HermesError) return error;
    throw error;
  }
  throw new Error('readLockedPackages returned instead of refusing the lockfile');
}

describe('readLockedPackages: lockfile v2/v3 (packages)', () => {
  it('lists each installed package with its version and place, skipping the root, links and entries without a version', () => {
    const cwd = withLock({
      lockfileVersion: 3,
      packages: {
        '': { name: 'shop', version: '1.0.0' },
        'node_modules/lodash': { version: '4.17.21' },
        'node_modules/a/node_modules/lodash': { version: '4.17.15' },
        'node_modules/@scope/pkg': { version: '2.0.0' },
        'node_modules/aliased': { name: 'real-name', version: '3.1.0' },
        // A link stands for its target, listed on its own: never counted twice.
        'node_modules/workspace-link': { resolved: 'packages/x', link: true, version: '0.1.0' },
        'packages/x': { name: 'x', version: '0.1.0', link: false },
        'node_modules/optional-missing': { optional: true },
      },
    });
    expect(readLockedPackages(cwd)).toEqual([
      { name: 'lodash', version: '4.17.21', path: 'node_modules/lodash' },
      // The innermost node_modules/ names a nested copy.
      { name: 'lodash', version: '4.17.15', path: 'node_modules/a/node_modules/lodash' },
      { name: '@scope/pkg', version: '2.0.0', path: 'node_modules/@scope/pkg' },
      // An npm alias installs `real-name` under another folder: the entry's name is the package.
      { name: 'real-name', version: '3.1.0', path: 'node_modules/aliased' },
      // A workspace folder has no node_modules/ in its key: its name comes from the entry.
      { name: 'x', version: '0.1.0', path: 'packages/x' },
    ]);
  });
});

describe('readLockedPackages: lockfile v1 (dependencies)', () => {
  it('walks nested dependencies, giving each its path in the tree, and skips entries without a version', () => {
    const cwd = withLock({
      lockfileVersion: 1,
      dependencies: {
        express: {
          version: '4.17.1',
          dependencies: {
            qs: { version: '6.7.0', dependencies: { 'side-channel': { version: '1.0.4' } } },
          },
        },
        lodash: { version: '4.17.15' },
        broken: { version: 42 },
        bundled: { bundled: true },
      },
    });
    expect(readLockedPackages(cwd)).toEqual([
      { name: 'express', version: '4.17.1', path: 'node_modules/express' },
      { name: 'qs', version: '6.7.0', path: 'node_modules/express/node_modules/qs' },
      {
        name: 'side-channel',
        version: '1.0.4',
        path: 'node_modules/express/node_modules/qs/node_modules/side-channel',
      },
      { name: 'lodash', version: '4.17.15', path: 'node_modules/lodash' },
    ]);
  });

  it('reads a lockfile with neither packages nor dependencies as no packages', () => {
    expect(readLockedPackages(withLock({ lockfileVersion: 1 }))).toEqual([]);
  });
});

describe('readLockedPackages: a lockfile it cannot read', () => {
  it('is lockfile_unreadable naming the file, with the first line of the reason', () => {
    const missing = withLock('{}');
    const none = unreadable(`${missing}/no-such-dir`);
    expect(none.code).toBe('lockfile_unreadable');
    expect(none.message).toBe(`cannot read ${missing}/no-such-dir/package-lock.json`);
    expect(none.details[0]).toMatch(/^ENOENT: no such file or directory/);

    const notJson = unreadable(withLock('{ "lockfileVersion": 3,'));
    expect(notJson.code).toBe('lockfile_unreadable');
    expect(notJson.details).toHaveLength(1);
    expect(notJson.details[0]).toMatch(/JSON/);

    // Valid JSON of the wrong shape is refused too, each refused field named.
    const wrongShape = unreadable(withLock({ lockfileVersion: 'three', packages: [] }));
    expect(wrongShape.code).toBe('lockfile_unreadable');
    expect(wrongShape.details.length).toBeGreaterThan(0);
    expect(wrongShape.details.every((d) => /^(lockfileVersion|packages)(\.|:)/.test(d))).toBe(true);
    expect(wrongShape.details.join('\n')).toMatch(/^lockfileVersion: /m);
  });
});
