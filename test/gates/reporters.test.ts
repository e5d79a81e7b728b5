import { lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJunit, type Property, type TestCase } from 'junit2json';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  latestReportName,
  reportFileName,
  reportsToPrune,
  runStamp,
  stampOf,
} from '../../src/gates/reporters/report-names.ts';
import { writeReports } from '../../src/gates/reporters/write-reports.ts';
import type { StageRun } from '../../src/gates/stage-run-result.ts';
import { configWith, fakeGate, passing, runFakes } from './support/fake-gate.ts';

// Output as tools really print it: ANSI colours, XML/HTML specials, a NUL, backticks, pipes.
const nastyOutput =
  '\u001b[31merror\u001b[0m <b>bold</b> & "quotes" \u0000 ``` | pipe\nsrc/a.ts:1:1  no-unused-vars';

let dir: string;
let run: StageRun;
let paths: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hermes-reports-'));
  run = await runFakes(
    [
      fakeGate('code.lint', () => ({
        status: 'fail',
        summary: '2 ESLint errors in src/a.ts',
        measurements: [
          { name: 'errors', value: 2, unit: 'count', threshold: 0, comparison: '<=', passed: false },
        ],
        evidence: [{ kind: 'output', title: 'eslint output', content: nastyOutput }],
      })),
      fakeGate('code.types', passing),
      fakeGate('db.integrity', () => ({
        status: 'warn',
        summary: '1 duplicate email',
        evidence: [{ kind: 'rows', title: 'duplicates', content: [{ email: 'ada@example.com', cnt: 2 }] }],
      })),
      fakeGate('db.connect', () => ({ status: 'error', summary: 'cannot connect', reason: 'ECONNREFUSED' })),
      fakeGate('db.plans', passing, { dependsOn: ['db.connect'] }),
      fakeGate('perf.load', () => ({ status: 'fail', summary: '40 req/s < 50' })),
    ],
    { config: configWith({ overrides: { 'perf.load': { advisory: true } } }) },
  );
  paths = await writeReports(run, { dir, formats: ['json', 'junit', 'md', 'html'] });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = (format: 'json' | 'junit' | 'md' | 'html'): Promise<string> =>
  readFile(join(dir, reportFileName('pre-deploy', runStamp(run.startedAt), format)), 'utf8');

describe('reports', () => {
  it('writes one file per format, named by stage and run, and a latest pointer per format', async () => {
    const stamp = runStamp(run.startedAt);
    expect(stamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/);
    expect(paths.map((p) => p.slice(dir.length + 1))).toEqual([
      `gates-pre-deploy-${stamp}.json`,
      `gates-pre-deploy-${stamp}.junit.xml`,
      `gates-pre-deploy-${stamp}.md`,
      `gates-pre-deploy-${stamp}.html`,
    ]);
    for (const format of ['json', 'junit', 'md', 'html'] as const) {
      const latest = join(dir, latestReportName('pre-deploy', format));
      expect((await lstat(latest)).isSymbolicLink()).toBe(true);
      expect(await readlink(latest)).toBe(reportFileName('pre-deploy', stamp, format));
      expect(await readFile(latest, 'utf8')).toBe(await read(format));
    }
  });

  it('JSON: the run object, read back whole', async () => {
    expect(JSON.parse(await read('json'))).toEqual(run);
  });

  it('JUnit: valid XML, one testcase per gate, fail/error/skip mapped', async () => {
    const xml = await read('junit');
    // XML 1.0 cannot hold control characters; the tools' output had some.
    // eslint-disable-next-line no-control-regex -- looking for exactly those
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    const parsed = await parseJunit(xml);
    if (!parsed || !('testsuite' in parsed)) throw new Error('expected <testsuites>');
    expect(parsed).toMatchObject({ tests: 6, failures: 1, errors: 1 });
    const suite = parsed.testsuite?.[0];
    expect(suite).toMatchObject({ name: 'pre-deploy', tests: 6, failures: 1, errors: 1, skipped: 1 });
    const cases = new Map((suite?.testcase ?? []).map((c: TestCase) => [c.name, c]));
    expect([...cases.keys()]).toEqual([
      'code.lint',
      'code.types',
      'db.integrity',
      'db.connect',
      'db.plans',
      'perf.load',
    ]);
    expect(cases.get('code.lint')?.failure?.[0]).toMatchObject({
      message: '2 ESLint errors in src/a.ts',
      type: 'fail',
    });
    expect(cases.get('code.lint')?.failure?.[0]?.inner).toContain('<b>bold</b> & "quotes"');
    expect(cases.get('code.lint')?.failure?.[0]?.inner).not.toContain('\u001b');
    expect(cases.get('db.connect')?.error?.[0]).toMatchObject({ message: 'cannot connect', type: 'error' });
    expect(cases.get('db.plans')?.skipped?.[0]).toMatchObject({
      message: 'depends on db.connect, which could not judge (error)',
    });
    // The advisory gate's failure is a warning: no <failure>, the text in system-out.
    expect(cases.get('perf.load')?.failure).toBeUndefined();
    expect(cases.get('perf.load')?.['system-out']?.[0]).toContain('WARN: 40 req/s < 50');
    expect(cases.get('code.types')).not.toHaveProperty('failure');
  });

  it('JUnit: a warning shows as one, in the testcase’s properties and first in its system-out', async () => {
    const parsed = await parseJunit(await read('junit'));
    if (!parsed || !('testsuite' in parsed)) throw new Error('expected <testsuites>');
    const suite = parsed.testsuite?.[0];
    // junit2json reads values as numbers and booleans where it can, and types no testcase properties.
    const property = (c: (TestCase & { properties?: Property[] }) | undefined, name: string) =>
      String(c?.properties?.find((p) => p.name === name)?.value);
    expect(String(suite?.properties?.find((p) => p.name === 'run.warnings')?.value)).toBe('2');
    const cases = new Map((suite?.testcase ?? []).map((c: TestCase) => [c.name, c]));
    expect(property(cases.get('db.integrity'), 'hermes.status')).toBe('warn');
    expect(cases.get('db.integrity')?.['system-out']?.[0]).toMatch(/^WARN: 1 duplicate email/);
    // The advisory failure: warn as it counts, fail as the gate said, not blocking.
    expect(property(cases.get('perf.load'), 'hermes.status')).toBe('warn');
    expect(property(cases.get('perf.load'), 'hermes.outcome')).toBe('fail');
    expect(property(cases.get('perf.load'), 'hermes.blocking')).toBe('false');
    expect(property(cases.get('code.types'), 'hermes.status')).toBe('pass');
  });

  it('Markdown: a table row per gate, evidence fenced, no personal data', async () => {
    const md = await read('md');
    expect(md).toMatch(/^# Hermes gates: pre-deploy — FAILED/);
    expect(md).toContain('| code.lint | ❌ FAIL | 2 ESLint errors in src/a.ts |');
    expect(md).toContain('| perf.load (advisory) | ⚠️ WARN | 40 req/s < 50 |');
    expect(md).toContain('| errors | 2 count | <= 0 | fail |');
    // The evidence holds three backticks, so its fence is longer.
    expect(md).toMatch(/````text\n.*``` \\?\| pipe/);
    expect(md).not.toContain('ada@example.com');
    expect(md).toContain('a***@example.com');
  });

  it('HTML: one self-contained page, everything escaped, no personal data', async () => {
    const html = await read('html');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//i);
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('ada@example.com');
    for (const id of ['code.lint', 'code.types', 'db.integrity', 'db.connect', 'db.plans', 'perf.load'])
      expect(html).toContain(`<section class="gate" id="${id}">`);
    expect(html).toContain('<h1>Hermes gates: pre-deploy — <span class="run-failed">FAILED</span></h1>');
    // Each gate's row shows the status it counted as, the advisory one marked so.
    const row = (id: string, status: string) =>
      `<tr><td><a href="#${id}">${id}</a></td><td><span class="badge ${status}">${status.toUpperCase()}</span>`;
    expect(html).toContain(row('code.lint', 'fail'));
    expect(html).toContain(row('code.types', 'pass'));
    expect(html).toContain(row('db.integrity', 'warn'));
    expect(html).toContain(row('db.connect', 'error'));
    expect(html).toContain(row('db.plans', 'skip'));
    expect(html).toContain(
      '<tr><td><a href="#perf.load">perf.load</a> (advisory)</td><td><span class="badge warn">WARN</span>',
    );
    expect(html).toContain('<p>The gate returned fail; counted as warn by its policy.</p>');
    // The measurement row with its threshold and verdict.
    expect(html).toContain('<tr><td>errors</td><td>2 count</td><td>&lt;= 0</td><td>fail</td></tr>');
  });

  it('an unwritable report directory is an error naming it', async () => {
    const blocker = paths[0] ?? '';
    await expect(writeReports(run, { dir: join(blocker, 'sub'), formats: ['json'] })).rejects.toMatchObject({
      code: 'gates_report_unwritable',
    });
  });
});

describe('report names', () => {
  it('a stamp is the run start in UTC, sortable, without colons', () => {
    expect(runStamp('2026-12-02T02:39:21.123Z')).toBe('2026-12-02T02-39-21-123Z');
    expect(runStamp('2026-12-02T03:39:21.123+01:00')).toBe('2026-12-02T02-39-21-123Z');
    expect(reportFileName('deploy', '2026-12-02T02-39-21-123Z', 'junit')).toBe(
      'gates-deploy-2026-12-02T02-39-21-123Z.junit.xml',
    );
    expect(latestReportName('post-deploy', 'html')).toBe('gates-post-deploy-latest.html');
  });

  it("reads a run's stamp back only from its own stage's run reports", () => {
    const stamp = '2026-12-02T02-39-21-123Z';
    expect(stampOf('deploy', `gates-deploy-${stamp}.json`)).toBe(stamp);
    expect(stampOf('deploy', `gates-deploy-${stamp}.junit.xml`)).toBe(stamp);
    // Another stage whose name ends like this one, the pointer, older names, foreign files.
    expect(stampOf('deploy', `gates-pre-deploy-${stamp}.json`)).toBeUndefined();
    expect(stampOf('pre-deploy', `gates-deploy-${stamp}.json`)).toBeUndefined();
    expect(stampOf('deploy', 'gates-deploy-latest.json')).toBeUndefined();
    expect(stampOf('deploy', 'gates-deploy.json')).toBeUndefined();
    expect(stampOf('deploy', `gates-deploy-${stamp}.json.tmp`)).toBeUndefined();
    expect(stampOf('deploy', `gates-deploy-${stamp}.txt`)).toBeUndefined();
    // Everything after the first dot is the format, as tools that cut a name there expect.
    expect(reportFileName('deploy', stamp, 'junit').split('.').slice(1).join('.')).toBe('junit.xml');
  });

  it('prunes whole runs beyond the newest N of the stage, and nothing else', () => {
    const stamps = ['2026-01-01T00-00-00-000Z', '2026-01-02T00-00-00-000Z', '2026-01-03T00-00-00-000Z'];
    const files = [
      ...stamps.flatMap((s) => [`gates-deploy-${s}.json`, `gates-deploy-${s}.md`]),
      `gates-pre-deploy-${stamps[0] ?? ''}.json`,
      'gates-deploy-latest.json',
      'gates-deploy.json',
      'notes.txt',
    ];
    expect(reportsToPrune('deploy', files, 2)).toEqual([
      `gates-deploy-${stamps[0] ?? ''}.json`,
      `gates-deploy-${stamps[0] ?? ''}.md`,
    ]);
    expect(reportsToPrune('deploy', files, 3)).toEqual([]);
    expect(reportsToPrune('deploy', files, 1)).toHaveLength(4);
  });
});

describe('reports of successive runs', () => {
  let runsDir: string;
  // A directory per test, so neither sees the other's files whatever their order.
  beforeEach(async () => {
    runsDir = await mkdtemp(join(tmpdir(), 'hermes-report-runs-'));
  });
  afterEach(async () => {
    await rm(runsDir, { recursive: true, force: true });
  });

  const runAt = (minute: number): StageRun => ({
    ...run,
    id: `run-${minute}`,
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
  });

  it('keep each run, point latest at the newest and keep only the last N runs', async () => {
    await writeFile(join(runsDir, 'gates-pre-deploy.json'), 'an older name, not ours to delete');
    for (const minute of [1, 2, 3, 4])
      await writeReports(runAt(minute), { dir: runsDir, formats: ['json', 'md'], keep: 3 });
    const names = (await readdir(runsDir)).sort();
    expect(names).toEqual([
      'gates-pre-deploy-2026-01-01T00-02-00-000Z.json',
      'gates-pre-deploy-2026-01-01T00-02-00-000Z.md',
      'gates-pre-deploy-2026-01-01T00-03-00-000Z.json',
      'gates-pre-deploy-2026-01-01T00-03-00-000Z.md',
      'gates-pre-deploy-2026-01-01T00-04-00-000Z.json',
      'gates-pre-deploy-2026-01-01T00-04-00-000Z.md',
      'gates-pre-deploy-latest.json',
      'gates-pre-deploy-latest.md',
      'gates-pre-deploy.json',
    ]);
    const latest = JSON.parse(
      await readFile(join(runsDir, 'gates-pre-deploy-latest.json'), 'utf8'),
    ) as StageRun;
    expect(latest.id).toBe('run-4');
  });

  it('keeps 20 runs per stage by default', async () => {
    const dir20 = join(runsDir, 'default');
    for (let minute = 10; minute < 32; minute += 1)
      await writeReports(runAt(minute), { dir: dir20, formats: ['json'] });
    const runs = (await readdir(dir20)).filter((name) => stampOf('pre-deploy', name) !== undefined);
    expect(runs).toHaveLength(20);
    expect(runs.sort()[0]).toBe('gates-pre-deploy-2026-01-01T00-12-00-000Z.json');
  });
});
