import { afterEach, describe, expect, it } from 'vitest';
import { HermesError } from '../../../src/errors/hermes-error.ts';
import { loadOsvDatabase, matchOsv } from '../../../src/gates/builtin/security/osv-database.ts';
import type { LockedPackage } from '../../../src/gates/builtin/security/package-lock.ts';
import { makeProject } from './support/gate-context.ts';

const made: Array<{ remove: () => void }> = [];
afterEach(() => {
  for (const project of made.splice(0)) project.remove();
});

/** A directory of OSV entries, each file's content given as an object. */
function osvDir(files: Record<string, unknown>): string {
  const project = makeProject(
    Object.fromEntries(Object.entries(files).map(([path, entry]) => [path, JSON.stringify(entry)])),
  );
  made.push(project);
  return project.dir;
}

const pkg = (name: string, version: string): LockedPackage => ({
  name,
  version,
  path: `node_modules/${name}`,
});

type Range = { type: string; events: Array<Record<string, string>> };

/** One npm entry about `name`, affected as `affected` says. */
const entry = (
  id: string,
  name: string,
  affected: { ranges?: Range[]; versions?: string[] },
  extra = {},
) => ({
  id,
  affected: [{ package: { ecosystem: 'npm', name }, ...affected }],
  ...extra,
});

const semverRange = (...events: Array<Record<string, string>>): Range => ({ type: 'SEMVER', events });

/** The ids matched for `name@version` by a database of the given entries. */
function matchedIds(entries: Record<string, unknown>, name: string, version: string): string[] {
  return matchOsv(loadOsvDatabase(osvDir(entries)), [pkg(name, version)]).map((v) => v.id);
}

describe('loadOsvDatabase', () => {
  it('reads entries from subdirectories, ignores other files, skips withdrawn entries and other ecosystems', () => {
    const database = loadOsvDatabase(
      osvDir({
        'npm/a/GHSA-1.json': entry('GHSA-1', 'lodash', { versions: ['1.0.0'] }),
        'npm/GHSA-2.json': entry('GHSA-2', 'minimist', { versions: ['1.0.0'] }),
        'npm/GHSA-old.json': entry(
          'GHSA-old',
          'lodash',
          { versions: ['1.0.0'] },
          { withdrawn: '2024-01-01T00:00:00Z' },
        ),
        'PyPI/PYSEC-1.json': {
          id: 'PYSEC-1',
          affected: [{ package: { ecosystem: 'PyPI', name: 'lodash' }, versions: ['1.0.0'] }],
        },
        'README.md': { not: 'an entry' },
      }),
    );
    // The PyPI entry counts as an entry read, but indexes no npm package.
    expect(database.entries).toBe(3);
    expect([...database.byPackage.keys()].sort()).toEqual(['lodash', 'minimist']);
    expect(database.byPackage.get('lodash')?.map((e) => e.id)).toEqual(['GHSA-1']);
  });

  it('refuses a file that is not an OSV entry, naming it and each wrong field', () => {
    const dir = osvDir({ 'bad.json': { id: 7, affected: [{ package: { name: 'lodash' } }] } });
    let refused: unknown;
    try {
      loadOsvDatabase(dir);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(HermesError);
    const error = refused as HermesError;
    expect(error.code).toBe('osv_entry_invalid');
    expect(error.message).toBe(`${dir}/bad.json: not an OSV entry`);
    expect(error.details.map((d) => d.split(':')[0])).toEqual(['id', 'affected.0.package.ecosystem']);
  });
});

describe('matchOsv: which versions an entry affects', () => {
  it('takes a range from introduced until fixed, exclusive', () => {
    const db = {
      'e.json': entry('GHSA-r', 'lodash', {
        ranges: [semverRange({ introduced: '1.2.0' }, { fixed: '1.4.0' })],
      }),
    };
    expect(matchedIds(db, 'lodash', '1.1.9')).toEqual([]);
    expect(matchedIds(db, 'lodash', '1.2.0')).toEqual(['GHSA-r']);
    expect(matchedIds(db, 'lodash', '1.3.9')).toEqual(['GHSA-r']);
    expect(matchedIds(db, 'lodash', '1.4.0')).toEqual([]);
  });

  it('takes introduced "0" as every version, and last_affected as inclusive', () => {
    const db = {
      'e.json': entry('GHSA-l', 'lodash', {
        ranges: [semverRange({ introduced: '0' }, { last_affected: '2.0.0' })],
      }),
    };
    expect(matchedIds(db, 'lodash', '0.0.1')).toEqual(['GHSA-l']);
    expect(matchedIds(db, 'lodash', '2.0.0')).toEqual(['GHSA-l']);
    expect(matchedIds(db, 'lodash', '2.0.1')).toEqual([]);
  });

  it('reads several introduced/fixed pairs in one range, and ECOSYSTEM ranges as SEMVER ones', () => {
    const db = {
      'e.json': entry('GHSA-m', 'lodash', {
        ranges: [
          {
            type: 'ECOSYSTEM',
            events: [
              { introduced: '1.0.0' },
              { fixed: '1.1.0' },
              { introduced: '2.0.0' },
              { fixed: '2.1.0' },
            ],
          },
        ],
      }),
    };
    expect(matchedIds(db, 'lodash', '1.0.5')).toEqual(['GHSA-m']);
    expect(matchedIds(db, 'lodash', '1.5.0')).toEqual([]);
    expect(matchedIds(db, 'lodash', '2.0.5')).toEqual(['GHSA-m']);
    expect(matchedIds(db, 'lodash', '2.1.0')).toEqual([]);
  });

  it('ignores GIT ranges (commits, not versions) and matches listed versions exactly', () => {
    const db = {
      'git.json': entry('GHSA-git', 'lodash', { ranges: [{ type: 'GIT', events: [{ introduced: '0' }] }] }),
      'list.json': entry('GHSA-list', 'lodash', { versions: ['1.0.0', '1.0.2'] }),
    };
    expect(matchedIds(db, 'lodash', '1.0.0')).toEqual(['GHSA-list']);
    expect(matchedIds(db, 'lodash', '1.0.1')).toEqual([]);
  });

  it('judges only the npm part of an entry that also names another ecosystem', () => {
    const db = {
      'both.json': {
        id: 'GHSA-both',
        affected: [
          { package: { ecosystem: 'PyPI', name: 'lodash' }, versions: ['1.0.0'] },
          { package: { ecosystem: 'npm', name: 'lodash' }, versions: ['2.0.0'] },
        ],
      },
    };
    expect(matchedIds(db, 'lodash', '1.0.0')).toEqual([]);
    expect(matchedIds(db, 'lodash', '2.0.0')).toEqual(['GHSA-both']);
  });

  it('matches no entry for a version that is not semver (a git or file dependency), nor for another package', () => {
    const db = { 'e.json': entry('GHSA-any', 'lodash', { ranges: [semverRange({ introduced: '0' })] }) };
    expect(matchedIds(db, 'lodash', 'github:lodash/lodash#abc')).toEqual([]);
    expect(matchedIds(db, 'underscore', '1.0.0')).toEqual([]);
  });
});

describe('matchOsv: what it reports', () => {
  it('takes the severity from database_specific, else the affected entry; the title from the summary, else the aliases, else the id', () => {
    const affectsAll = { ranges: [semverRange({ introduced: '0' })] };
    const database = loadOsvDatabase(
      osvDir({
        'a.json': entry('GHSA-a', 'lodash', affectsAll, {
          summary: 'Prototype pollution',
          aliases: ['CVE-1'],
          database_specific: { severity: 'MODERATE' },
        }),
        'b.json': {
          id: 'GHSA-b',
          aliases: ['CVE-2', 'CVE-3'],
          affected: [
            {
              package: { ecosystem: 'npm', name: 'lodash' },
              ...affectsAll,
              ecosystem_specific: { severity: 'CRITICAL' },
            },
          ],
        },
        'c.json': entry('GHSA-c', 'lodash', affectsAll),
      }),
    );
    const found = matchOsv(database, [pkg('lodash', '4.17.15')]);
    expect(found.sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      {
        id: 'GHSA-a',
        package: 'lodash',
        version: '4.17.15',
        severity: 'medium',
        title: 'Prototype pollution',
      },
      { id: 'GHSA-b', package: 'lodash', version: '4.17.15', severity: 'critical', title: 'CVE-2, CVE-3' },
      { id: 'GHSA-c', package: 'lodash', version: '4.17.15', severity: 'unknown', title: 'GHSA-c' },
    ]);
  });

  it('reports an entry once per version installed, however many copies of that version the tree holds', () => {
    const database = loadOsvDatabase(
      osvDir({ 'e.json': entry('GHSA-d', 'lodash', { ranges: [semverRange({ introduced: '0' })] }) }),
    );
    const found = matchOsv(database, [
      { name: 'lodash', version: '4.17.15', path: 'node_modules/lodash' },
      { name: 'lodash', version: '4.17.15', path: 'node_modules/a/node_modules/lodash' },
      { name: 'lodash', version: '4.17.10', path: 'node_modules/b/node_modules/lodash' },
    ]);
    expect(found.map((v) => `${v.id} ${v.version}`)).toEqual(['GHSA-d 4.17.15', 'GHSA-d 4.17.10']);
  });
});
