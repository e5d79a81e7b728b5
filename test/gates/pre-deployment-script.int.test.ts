import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
  it('stops at the first failing step with that gate’s summary and its exit code', async () => {
    // The first step's gate is given a timeout no lint can meet: it fails fast, for real.
    const config = join(dir, 'hermes.yaml');
    await writeFile(config, stringify({ gates: { overrides: { 'code.lint': { timeoutMs: 100 } } } }));
    const { code, output } = await runScript({
      HERMES_CONFIG: config,
      DATABASE_URL: db.url,
      HERMES_REPORT_DIR: join(dir, 'reports'),
      CI: '1',
    });
    expect(code).toBe(1);
    expect(output).toContain('🚀 Starting pre-deployment quality gates...');
    expect(output).toContain('✘ code.lint  ERROR  timed out after 100 ms');
    expect(output).toContain(
      `❌ Pre-deployment check stopped at step 'lint' (exit 1); reports in ${join(dir, 'reports')}/lint`,
    );
    expect(output).not.toContain('code.types');
    expect(output).not.toContain('🔒 Running security checks');
  });
});
