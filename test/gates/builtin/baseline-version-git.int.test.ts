import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  baselineVersion,
  currentVersion,
  gitBaselineRef,
} from '../../../src/gates/builtin/db/baseline-version.ts';
import { gateContext, makeProject } from './support/gate-context.ts';
import { git } from '../../support/git.ts';

const made: Array<{ remove: () => void }> = [];
afterEach(() => {
  for (const project of made.splice(0)) project.remove();
});

function project(files: Record<string, string> = {}): string {
  const made1 = makeProject(files);
  made.push(made1);
  return made1.dir;
}

/** A git repository whose history is `commits`, each writing package.json (or removing it: null) and tagging. */
function repository(commits: Array<{ packageJson: string | null; tag?: string }>): string {
  const dir = project({ 'README.md': 'x\n' });
  git(dir, 'init', '-q', '-b', 'main');
  for (const commit of commits) {
    if (commit.packageJson === null) rmSync(join(dir, 'package.json'), { force: true });
    else writeFileSync(join(dir, 'package.json'), commit.packageJson);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', commit.tag ?? 'change');
    if (commit.tag !== undefined) git(dir, 'tag', commit.tag);
  }
  return dir;
}

const version = (v: unknown) => JSON.stringify({ name: 'shop', version: v });
const schemaBreaking = (settings: Record<string, string>) => ({
  gates: { thresholds: { db: { schemaBreaking: settings } } },
});

describe('currentVersion', () => {
  it("is package.json's version when it is semver, else null", () => {
    expect(currentVersion(project({ 'package.json': version('1.2.3') }))).toBe('1.2.3');
    expect(currentVersion(project({ 'package.json': version('v2.0.0') }))).toBe('2.0.0');
    expect(currentVersion(project({ 'package.json': version('latest') }))).toBeNull();
    expect(currentVersion(project({ 'package.json': version(3) }))).toBeNull();
    expect(currentVersion(project({ 'package.json': '{ not json' }))).toBeNull();
    expect(currentVersion(project())).toBeNull();
  });
});

describe('baselineVersion', () => {
  it('takes the configured baselineVersion first, read as semver, without asking git', async () => {
    // Not a git repository: git is never asked.
    const cwd = project();
    expect(
      await baselineVersion(gateContext({ cwd, config: schemaBreaking({ baselineVersion: 'v2' }) })),
    ).toEqual({
      version: '2.0.0',
      source: 'gates.thresholds.db.schemaBreaking.baselineVersion',
    });
  });

  it("reads package.json at the newest tag, not at the working tree's commit", async () => {
    const cwd = repository([
      { packageJson: version('1.0.0'), tag: 'v1.0.0' },
      { packageJson: version('1.4.0'), tag: 'v1.4.0' },
      { packageJson: version('2.0.0') },
    ]);
    const ctx = gateContext({ cwd });
    expect(await gitBaselineRef(ctx)).toEqual({ ref: 'v1.4.0', source: 'the newest git tag v1.4.0' });
    expect(await baselineVersion(ctx)).toEqual({
      version: '1.4.0',
      source: 'package.json at git ref v1.4.0',
    });
  });

  it('reads package.json at the configured baselineRef instead of the newest tag', async () => {
    const cwd = repository([
      { packageJson: version('1.0.0'), tag: 'first' },
      { packageJson: version('1.1.0'), tag: 'second' },
    ]);
    const ctx = gateContext({ cwd, config: schemaBreaking({ baselineRef: 'first' }) });
    expect(await gitBaselineRef(ctx)).toEqual({ ref: 'first', source: 'git ref first' });
    expect(await baselineVersion(ctx)).toEqual({ version: '1.0.0', source: 'package.json at git ref first' });
  });

  it('is unknown, saying why, without a tag, without package.json at the ref, or without a version there', async () => {
    const untagged = repository([{ packageJson: version('1.0.0') }]);
    expect(await baselineVersion(gateContext({ cwd: untagged }))).toEqual({
      version: null,
      source: 'no git tag, and gates.thresholds.db.schemaBreaking.baselineVersion not set',
    });
    // Not a repository at all: git describe fails the same way.
    expect(await gitBaselineRef(gateContext({ cwd: project() }))).toBeNull();

    const beforePackageJson = repository([
      { packageJson: null, tag: 'v0' },
      { packageJson: version('1.0.0') },
    ]);
    expect(await baselineVersion(gateContext({ cwd: beforePackageJson }))).toEqual({
      version: null,
      source: 'no package.json at git ref v0',
    });

    const noVersion = repository([{ packageJson: JSON.stringify({ name: 'shop' }), tag: 'v1' }]);
    expect(await baselineVersion(gateContext({ cwd: noVersion }))).toEqual({
      version: null,
      source: 'package.json at git ref v1',
    });

    // Not "git unavailable": git answered, the file it gave is broken.
    const broken = repository([{ packageJson: '{ "version": ', tag: 'v2' }]);
    expect(await baselineVersion(gateContext({ cwd: broken }))).toEqual({
      version: null,
      source: 'package.json at git ref v2 is not JSON',
    });
  });
});
