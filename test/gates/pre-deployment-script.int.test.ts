import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cleanEnv } from '../support/run-cli.ts';
import { useTestDatabase } from '../support/test-database.ts';

const script = fileURLToPath(new URL('../../scripts/pre-deployment-check.sh', import.meta.url));

const db = useTestDatabase();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hermes-predeploy-script-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runScript(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], {
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('scripts/pre-deployment-check.sh', () => {
  it('goes past a step whose gates are all disabled, then stops at the first failing step with its gate’s summary and exit code', async () => {
    // The first step's gate is disabled; the second's is given a timeout no type check can meet:
    // it fails fast, for real.
    const config = join(dir, 'hermes.yaml');
    await writeFile(
      config,
      stringify({
        gates: { overrides: { 'code.lint': { enabled: false }, 'code.types': { timeoutMs: 100 } } },
      }),
    );
    const { code, output } = await runScript({
      HERMES_CONFIG: config,
      DATABASE_URL: db.url,
      HERMES_REPORT_DIR: join(dir, 'reports'),
      CI: '1',
    });
    expect(code).toBe(1);
    expect(output).toContain('🚀 Starting pre-deployment quality gates...');
    expect(output).toContain("↓ step 'lint' not run: disabled by gates.overrides.<id>.enabled: code.lint");
    expect(output).not.toContain('[stage_empty]');
    expect(output).toContain('✘ code.types  ERROR  timed out after 100 ms');
    expect(output).toContain(
      `❌ Pre-deployment check stopped at step 'type-check' (exit 1); reports in ${join(dir, 'reports')}/type-check`,
    );
    expect(output).not.toContain('code.format');
    expect(output).not.toContain('🔒 Running security checks');
    expect(output).not.toContain('✅');
  });
});

/** The script's ending alone: sourced, the script only defines its functions ($0 is not the script). */
function printEnding(since: string, stepDirs: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'bash',
      ['-c', 'source "$1"; shift; print_ending "$@"', 'bash', script, since, ...stepDirs],
      {
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

interface MadeUpResult {
  id: string;
  status: string;
  outcomeStatus?: string;
  summary: string;
}

/** A step's JSON report, as `hermes gates run` writes it (only the fields the ending reads). */
async function report(
  step: string,
  file: string,
  startedAt: string,
  results: MadeUpResult[],
): Promise<string> {
  const stepDir = join(dir, 'ending', step);
  await mkdir(stepDir, { recursive: true });
  const run = {
    id: `${step}-${startedAt}`,
    stage: 'pre-deploy',
    startedAt,
    results: results.map((r) => ({ outcomeStatus: r.status, ...r })),
  };
  await writeFile(join(stepDir, file), JSON.stringify(run));
  return stepDir;
}

describe('scripts/pre-deployment-check.sh’s ending', () => {
  const since = '2030-01-01T00:00:00Z';

  it('says "All passed!" only when no gate warned or was skipped', async () => {
    const lint = await report('lint', 'gates-pre-deploy.json', '2030-01-01T00:00:05.000Z', [
      { id: 'code.lint', status: 'pass', summary: '0 ESLint errors' },
    ]);
    const { code, output } = await printEnding(since, [lint]);
    expect(code).toBe(0);
    expect(output).toBe('✅ All pre-deployment quality gates passed!\n');
  });

  it('lists each warning that stands in for a check, from this run’s report of each step only', async () => {
    // A report of an earlier run in the same directory does not count.
    await report('audit', 'gates-pre-deploy-2029.json', '2029-12-31T23:00:00.000Z', [
      { id: 'security.dependencies', status: 'fail', summary: 'an old failure' },
    ]);
    const audit = await report('audit', 'gates-pre-deploy-2030.json', '2030-01-01T00:00:09.000Z', [
      {
        id: 'security.dependencies',
        status: 'warn',
        outcomeStatus: 'error',
        summary: 'no advisory source could be consulted',
      },
    ]);
    // A `latest` pointer (a copy where there are no symlinks) is the same run: listed once.
    await copyFile(join(audit, 'gates-pre-deploy-2030.json'), join(audit, 'gates-pre-deploy-latest.json'));
    const tests = await report('test-coverage', 'gates-pre-deploy.json', '2030-01-01T00:01:00.000Z', [
      { id: 'tests.coverage', status: 'warn', outcomeStatus: 'fail', summary: 'lines 78.6 % < 90 %' },
      { id: 'tests.other', status: 'skip', summary: 'skipped: nothing to run' },
      { id: 'tests.unit', status: 'pass', summary: 'fine' },
    ]);
    const noJson = join(dir, 'ending', 'validate-environment');
    await mkdir(noJson, { recursive: true });

    const { code, output } = await printEnding(since, [
      audit,
      'off:test-performance:tests.performance',
      tests,
      noJson,
    ]);
    expect(code).toBe(0);
    expect(output.split('\n')).toEqual([
      '✅ Pre-deployment quality gates passed, with 5 warnings that stand in for checks:',
      '  ⚠ security.dependencies (could not judge): no advisory source could be consulted',
      '  ↓ tests.performance (disabled, step test-performance not run): gates.overrides.tests.performance.enabled is false',
      '  ⚠ tests.coverage (failed, advisory): lines 78.6 % < 90 %',
      '  ↓ tests.other (skipped): skipped: nothing to run',
      '  ? validate-environment: no JSON report of this run (is json in gates.reports.formats?), so its warnings cannot be listed',
      '',
    ]);
    expect(output).not.toContain('All pre-deployment quality gates passed!');
  });
});
