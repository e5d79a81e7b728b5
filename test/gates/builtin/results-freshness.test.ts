import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isFresh } from '../../../src/gates/builtin/tests/newest-mtime.ts';
import { makeProject } from './support/gate-context.ts';

// Whether a results file may stand in for a run: written after every source and test file.
const made: { remove: () => void }[] = [];
afterAll(() => {
  for (const m of made) m.remove();
});

/** A project whose files are dated `secondsAgo` (each path to its age). */
function project(ages: Record<string, number>): string {
  const fixture = makeProject(Object.fromEntries(Object.keys(ages).map((path) => [path, 'x\n'])));
  made.push(fixture);
  for (const [path, secondsAgo] of Object.entries(ages)) {
    const when = new Date(Date.now() - secondsAgo * 1_000);
    utimesSync(join(fixture.dir, path), when, when);
  }
  return fixture.dir;
}

describe('isFresh', () => {
  it('is fresh when the file is newer than every file under the directories, nested ones included', () => {
    const cwd = project({
      'reports/r.json': 10,
      'src/a.ts': 60,
      'src/deep/er/b.ts': 30,
      'test/a.test.ts': 20,
    });
    expect(isFresh(cwd, 'reports/r.json', ['src', 'test'])).toBe(true);
  });

  it('is stale when a nested file was changed after it', () => {
    const cwd = project({ 'reports/r.json': 30, 'src/a.ts': 60, 'src/deep/er/b.ts': 10 });
    expect(isFresh(cwd, 'reports/r.json', ['src'])).toBe(false);
  });

  it('leaves node_modules out: installing a package does not make the results stale', () => {
    const cwd = project({ 'reports/r.json': 30, 'src/a.ts': 60, 'src/node_modules/pkg/index.js': 1 });
    expect(isFresh(cwd, 'reports/r.json', ['src'])).toBe(true);
  });

  it('is not fresh when the file does not exist; a directory that does not exist counts as no file', () => {
    const cwd = project({ 'src/a.ts': 60, 'reports/r.json': 30 });
    expect(isFresh(cwd, 'reports/absent.json', ['src'])).toBe(false);
    expect(isFresh(cwd, 'reports/r.json', ['src', 'no-such-dir'])).toBe(true);
  });
});
