import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildGates } from '../../../../src/gates/builtin/deploy/build.ts';
import { inspectBuild } from '../../../../src/gates/builtin/deploy/inspect-build.ts';
import { judgeBuild } from '../../../../src/gates/builtin/deploy/judge-build.ts';
import { buildThresholds } from '../../../../src/config/sections/build-thresholds.ts';
import type { BuildReport } from '../../../../src/deploy/build/run-build.ts';
import type { Gate } from '../../../../src/gates/gate.ts';
import { cleanEnv, runCli } from '../../../support/run-cli.ts';
import { useTestDatabase } from '../../../support/test-database.ts';
import { judged } from '../../support/judged.ts';
import { gateContext, makeProject, repoRoot } from '../support/gate-context.ts';

// Hermes itself is built, into a directory of this run under dist/ (ignored by git), never into
// dist/staging or dist/production, which a developer's own build may be using.
const runDir = `dist/test-build-${randomUUID().slice(0, 8)}`;
const scratch = mkdtempSync(join(tmpdir(), 'hermes-build-'));
afterAll(() => {
  rmSync(join(repoRoot, runDir), { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const [stagingGate, productionGate] = buildGates() as [Gate, Gate];
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
  .version;

function buildConfig(environment: 'staging' | 'production', settings: Record<string, unknown> = {}) {
  return {
    gates: { thresholds: { build: { [environment]: { outDir: `${runDir}/${environment}`, ...settings } } } },
  };
}

interface Manifest {
  environment: string;
  version: string;
  commit: string | null;
  bundleBytes: number;
  files: { path: string; bytes: number; sha256: string }[];
}

function manifestOf(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'release.json'), 'utf8')) as Manifest;
}

/** `node <bundle> serve` from `dir` on a free port; its URL once it listens, and a stop. */
async function serveRelease(dir: string, databaseUrl: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(dir, 'hermes.mjs'), 'serve'], {
    cwd: dir,
    env: { ...cleanEnv(), DATABASE_URL: databaseUrl, PORT: '0', HERMES_N8N_WEBHOOK_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => child.kill('SIGKILL');
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL in 20 s: ${output}`)), 20_000);
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /Hermes listening on (http:\/\/\S+)/.exec(output);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code) => reject(new Error(`exited ${String(code)}: ${output}`)));
  }).catch((error: unknown) => {
    stop();
    throw error;
  });
  return { url, stop };
}

describe('build.staging and build.production on Hermes itself', () => {
  const db = useTestDatabase();

  it('build.production: a minified bundle without source maps, its manifest, and a copy of it serves the form', async () => {
    const outcome = await productionGate.run(gateContext({ config: buildConfig('production') }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(
      /^production build: [\d.]+ KB of 1024 KB, 0 warnings; source maps none, minified yes, default log level info$/,
    );
    expect(judged(outcome).map((m) => [m.name, m.passed])).toEqual([
      ['build errors', true],
      ['build warnings', true],
      ['bundle size', true],
    ]);

    const dir = join(repoRoot, runDir, 'production');
    expect(existsSync(join(dir, 'hermes.mjs.map'))).toBe(false);
    const manifest = manifestOf(dir);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    expect(manifest).toMatchObject({ environment: 'production', version, commit: head });
    const paths = manifest.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['hermes.mjs', 'package.json', 'assets/contact-form.js']));
    expect(paths).toContain('migrations/0001_create_hermes_leads.up.sql');
    for (const file of manifest.files) {
      const content = readFileSync(join(dir, file.path));
      expect(file, file.path).toEqual({
        path: file.path,
        bytes: content.length,
        sha256: createHash('sha256').update(content).digest('hex'),
      });
    }

    // A release runs from a copy: nothing may be read from the source tree.
    const copy = join(scratch, 'release');
    cpSync(dir, copy, { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
    const printed = spawnSync(process.execPath, [join(copy, 'hermes.mjs'), 'config', 'print', 'log'], {
      cwd: copy,
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(printed.stdout).toContain(`# build: production ${version}\n`);
    expect(printed.stdout).toMatch(/^log\.level +"info" +\(default\)$/m);
    const served = await serveRelease(copy, db.url);
    try {
      const health = (await (await fetch(`${served.url}/health`)).json()) as { version: string };
      expect(health.version).toBe(version);
      const form = await fetch(`${served.url}/`);
      expect(form.status).toBe(200);
      // The page loads the script by its versioned name, with the integrity of the bytes served.
      const tag = /<script src="(\/assets\/contact-form\.[0-9a-f]{12}\.js)" integrity="([^"]+)"/.exec(
        await form.text(),
      );
      expect(tag, 'a versioned script with its integrity').not.toBeNull();
      const script = Buffer.from(await (await fetch(`${served.url}${tag?.[1] ?? ''}`)).arrayBuffer());
      expect(script.toString('utf8')).toBe(
        readFileSync(join(repoRoot, 'src/intake/assets/contact-form.js'), 'utf8'),
      );
      expect(tag?.[2]).toBe(`sha384-${createHash('sha384').update(script).digest('base64')}`);
    } finally {
      served.stop();
    }
  });

  it('build.staging: readable, with linked source maps and debug logging; a build that lost its map fails', async () => {
    const outcome = await stagingGate.run(gateContext({ config: buildConfig('staging') }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(
      /^staging build: [\d.]+ KB of 2048 KB, 0 warnings; source maps present, minified no, default log level debug$/,
    );
    const dir = join(repoRoot, runDir, 'staging');
    expect(existsSync(join(dir, 'hermes.mjs.map'))).toBe(true);
    expect(manifestOf(dir).environment).toBe('staging');

    // The check reads the build, not its configuration: without the map it sees none.
    rmSync(join(dir, 'hermes.mjs.map'));
    const report: BuildReport = {
      environment: 'staging',
      outDir: dir,
      outfile: join(dir, 'hermes.mjs'),
      warnings: [],
      errors: [],
      bundleBytes: 1024,
      files: [],
      durationMs: 1,
    };
    const observed = await inspectBuild(report, new AbortController().signal);
    expect(observed).toMatchObject({
      sourcemap: false,
      minified: false,
      logLevel: 'debug',
      runProblem: null,
    });
    expect(observed.stamp).toMatchObject({ environment: 'staging', version });
    const staging = buildThresholds.parse(undefined).staging;
    expect(judgeBuild(report, staging, observed, version).summary).toBe(
      'staging build: source maps none, expected present',
    );
  });

  it('fails a bundle over its size budget', async () => {
    const outcome = await productionGate.run(
      gateContext({ config: buildConfig('production', { maxSizeKb: 1 }) }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^production build: bundle [\d.]+ KB over its 1 KB budget$/);
    expect(judged(outcome)[2]).toMatchObject({ name: 'bundle size', threshold: 1, passed: false });
  });

  it('fails when a file a release needs is missing, naming it', async () => {
    const copy = [{ from: 'no-such-dir', to: 'x' }];
    const outcome = await productionGate.run(gateContext({ config: buildConfig('production', { copy }) }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      `production build failed: 1 error (first: ${join(repoRoot, 'no-such-dir')}: not found (build.copy))`,
    );
  });
});

describe('build gates on a project that does not build cleanly', () => {
  const projects: { remove: () => void }[] = [];
  afterAll(() => {
    for (const p of projects) p.remove();
  });
  function project(entry: string): string {
    const made = makeProject({
      'package.json': '{ "name": "app", "version": "2.0.0", "type": "module" }\n',
      'src/cli/run.ts': entry,
    });
    projects.push(made);
    return made.dir;
  }
  const onlyBundle = { copy: [] };

  it('fails on a build warning, naming file, line and text', async () => {
    const cwd = project('export const settings = { retries: 1, retries: 2 };\n');
    const outcome = await productionGate.run(
      gateContext({ cwd, config: buildConfig('production', onlyBundle) }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(
      'production build: 1 warning (first: src/cli/run.ts:1:38: Duplicate key "retries"',
    );
    expect(judged(outcome)[1]).toMatchObject({ name: 'build warnings', value: 1, passed: false });
  });

  it('fails on a build error without running anything', async () => {
    const cwd = project("import { nothing } from './missing.ts';\nconsole.log(nothing);\n");
    const outcome = await productionGate.run(
      gateContext({ cwd, config: buildConfig('production', onlyBundle) }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'production build failed: 1 error (first: src/cli/run.ts:1:24: Could not resolve "./missing.ts")',
    );
  });

  it('never empties a directory that is not a build: one holding the sources, or any other with files', async () => {
    const cwd = project('export {};\n');
    writeFileSync(join(cwd, 'notes.txt'), 'keep me\n');
    const intoSources = await productionGate.run(
      gateContext({ cwd, config: buildConfig('production', { outDir: 'src' }) }),
    );
    expect(intoSources.summary).toBe(
      `production build failed: 1 error (first: ${join(cwd, 'src')}: holds ${join(cwd, 'src/cli/run.ts')}, which the build reads; choose another outDir)`,
    );
    expect(readFileSync(join(cwd, 'src/cli/run.ts'), 'utf8')).toBe('export {};\n');

    const out = join(cwd, 'out');
    cpSync(join(cwd, 'notes.txt'), join(out, 'notes.txt'));
    const intoOther = await productionGate.run(
      gateContext({ cwd, config: buildConfig('production', { outDir: 'out', copy: [] }) }),
    );
    expect(intoOther.status).toBe('fail');
    expect(intoOther.summary).toBe(
      `production build failed: 1 error (first: ${out}: not empty and not an earlier build (no release.json); refusing to empty it)`,
    );
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('keep me\n');

    // An earlier build is emptied and built again.
    rmSync(out, { recursive: true });
    const first = await productionGate.run(
      gateContext({ cwd, config: buildConfig('production', { outDir: 'out', copy: [] }) }),
    );
    expect(first.summary).not.toContain('refusing');
    const again = await productionGate.run(
      gateContext({ cwd, config: buildConfig('production', { outDir: 'out', copy: [] }) }),
    );
    expect(again.summary).not.toContain('refusing');
    expect(existsSync(join(out, 'release.json'))).toBe(true);
  });

  it('cannot judge a project without its entry or without a version', async () => {
    const cwd = project('export {};\n');
    const noEntry = await stagingGate.run(
      gateContext({ cwd, config: buildConfig('staging', { entry: 'main.ts' }) }),
    );
    expect(noEntry).toMatchObject({
      status: 'error',
      reason: 'main.ts: no such file (gates.thresholds.build.staging.entry)',
    });
    writeFileSync(join(cwd, 'package.json'), '{ "name": "app" }\n');
    const noVersion = await stagingGate.run(gateContext({ cwd, config: buildConfig('staging') }));
    expect(noVersion).toMatchObject({ status: 'error', reason: `${cwd}: no package.json with a version` });
  });
});

describe('npm run build:production', () => {
  // npm, then two builds, each running the bundle: well past 30 s on a loaded 2-core machine.
  it(
    'runs the build gate as the spec writes it: exit 0 and the gate’s line; exit 1 when it fails',
    { timeout: 120_000 },
    async () => {
      const config = join(scratch, 'hermes.yaml');
      writeFileSync(config, stringify(buildConfig('production')));
      const npm = spawnSync('npm', ['run', '--silent', 'build:production'], {
        cwd: repoRoot,
        env: { ...cleanEnv(), HERMES_CONFIG: config, CI: '1' },
        encoding: 'utf8',
      });
      expect(npm.status, npm.stdout + npm.stderr).toBe(0);
      expect(npm.stdout).toMatch(/✔ build\.production {2}PASS {2}production build: /);

      writeFileSync(config, stringify(buildConfig('production', { maxSizeKb: 1 })));
      const failed = await runCli(['gates', 'run', 'deploy', '--only', 'build.production'], {
        env: { HERMES_CONFIG: config, CI: '1' },
      });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(
        /✘ build\.production {2}FAIL {2}production build: bundle [\d.]+ KB over its 1 KB budget/,
      );
    },
  );
});
