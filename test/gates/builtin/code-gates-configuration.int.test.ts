import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintGate } from '../../../src/gates/builtin/code/lint.ts';
import {
  dependsOn,
  eslintLookup,
  findToolConfig,
  prettierLookup,
} from '../../../src/gates/builtin/code/tool-config.ts';
import { typesGate } from '../../../src/gates/builtin/code/types.ts';
import type { GateContext } from '../../../src/gates/gate.ts';
import { judged } from '../support/judged.ts';
import { gateContext, makeProject } from './support/gate-context.ts';

// code.lint and code.types on how a repository configures its tools, and when the tool is stopped.
const projects: { remove: () => void }[] = [];
function project(files: Record<string, string>): string {
  const made = makeProject({ 'package.json': '{ "type": "module" }\n', ...files });
  projects.push(made);
  return made.dir;
}
afterAll(() => {
  for (const p of projects) p.remove();
});
const lintConfig = (config: string | null, patterns?: string[]) => ({
  gates: { thresholds: { code: { lint: { config, ...(patterns ? { patterns } : {}) } } } },
});
const aborted = (ctx: GateContext): GateContext => {
  const controller = new AbortController();
  controller.abort();
  return { ...ctx, signal: controller.signal };
};

describe('findToolConfig', () => {
  it('finds the config in the directory or the nearest one above, relative to where the tool runs', () => {
    const root = project({ 'eslint.config.mjs': 'export default [];\n', 'packages/api/src/.keep': '' });
    expect(findToolConfig(root, eslintLookup)).toBe('eslint.config.mjs');
    expect(findToolConfig(join(root, 'packages/api'), eslintLookup)).toBe('../../eslint.config.mjs');
  });

  it('takes a package.json key as a config, naming the file and the key', () => {
    const root = project({
      'package.json': JSON.stringify({ type: 'module', prettier: { semi: false } }),
      'app/package.json': JSON.stringify({ name: 'app' }),
    });
    expect(findToolConfig(root, prettierLookup)).toBe('package.json (prettier)');
    expect(findToolConfig(join(root, 'app'), prettierLookup)).toBe('../package.json (prettier)');
  });

  it('looks past a package.json that is not JSON, or JSON that is not an object', () => {
    const root = project({
      '.prettierrc': '{}\n',
      'a/package.json': '{ not json',
      // JSON, but a string: `key in` it would throw.
      'a/b/package.json': '"prettier"',
    });
    expect(findToolConfig(join(root, 'a/b'), prettierLookup)).toBe('../../.prettierrc');
  });
});

describe('dependsOn', () => {
  it('reads dependencies and devDependencies, and nothing from a broken package.json', () => {
    const cwd = project({
      'package.json': JSON.stringify({ dependencies: { pg: '^8' }, devDependencies: { prettier: '^3' } }),
    });
    expect([dependsOn(cwd, 'pg'), dependsOn(cwd, 'prettier'), dependsOn(cwd, 'eslint')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(dependsOn(project({ 'package.json': '{ not json' }), 'prettier')).toBe(false);
    expect(dependsOn(project({ 'package.json': '{ "dependencies": ["prettier"] }' }), 'prettier')).toBe(
      false,
    );
  });
});

describe('code.lint and its configuration', () => {
  it('is an error naming the key when the configured ESLint config does not exist', async () => {
    const cwd = project({ 'eslint.config.js': 'export default [];\n', 'a.js': '' });
    const outcome = await lintGate.run(gateContext({ cwd, config: lintConfig('tools/eslint.mjs') }));
    expect(outcome).toEqual({
      status: 'error',
      summary: 'ESLint config tools/eslint.mjs not found',
      reason: 'gates.thresholds.code.lint.config is tools/eslint.mjs, which does not exist in the repository',
    });
  });

  it('lints with the configured file instead of the one ESLint would find', async () => {
    const cwd = project({
      // The one ESLint would find allows everything; the configured one forbids `var`.
      'eslint.config.js': 'export default [];\n',
      'tools/strict.mjs': "export default [{ files: ['**/*.js'], rules: { 'no-var': 'error' } }];\n",
      'old.js': 'var x = 1;\nexport { x };\n',
    });
    const outcome = await lintGate.run(
      gateContext({ cwd, config: lintConfig('tools/strict.mjs', ['old.js']) }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 ESLint error: old.js:1:1 no-var');
  });

  it('counts warnings apart: they are reported, and do not fail', async () => {
    const cwd = project({
      'eslint.config.js': "export default [{ files: ['**/*.js'], rules: { 'no-var': 'warn' } }];\n",
      'old.js': 'var x = 1;\nexport { x };\n',
    });
    const outcome = await lintGate.run(gateContext({ cwd, config: lintConfig(null, ['old.js']) }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe('1 file linted: 0 errors, 1 warning');
    expect(outcome.measurements?.find((m) => m.name === 'warnings')?.value).toBe(1);
    expect(outcome.evidence).toEqual([
      {
        kind: 'rows',
        title: 'ESLint problems',
        content: [
          {
            file: 'old.js',
            line: 1,
            column: 1,
            rule: 'no-var',
            severity: 'warning',
            message: expect.any(String) as unknown,
          },
        ],
      },
    ]);
  });

  it('fails a file that does not parse, as a parse error', async () => {
    const cwd = project({ 'eslint.config.js': 'export default [];\n', 'broken.js': 'export const = ;\n' });
    const outcome = await lintGate.run(gateContext({ cwd, config: lintConfig(null, ['broken.js']) }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 ESLint error: broken.js:1:14 parse error');
    expect(judged(outcome)).toEqual([
      { name: 'errors', value: 1, threshold: 0, comparison: '<=', passed: false },
    ]);
  });

  it('is an error, saying it was killed, when its signal stops ESLint', async () => {
    const cwd = project({ 'eslint.config.js': 'export default [];\n', 'a.js': '' });
    const outcome = await lintGate.run(aborted(gateContext({ cwd })));
    expect(outcome).toMatchObject({ status: 'error', summary: 'ESLint could not run (killed)' });
  });
});

describe('code.types on what tsc reports', () => {
  it('fails an error tsc reports for the whole project, naming the tsconfig', async () => {
    // Nothing matches `include`: TS18003, an error with no file and line.
    const cwd = project({ 'tsconfig.json': JSON.stringify({ include: ['src/**/*.ts'] }) });
    mkdirSync(join(cwd, 'src'));
    const outcome = await typesGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 TypeScript error: tsconfig.json:0 TS18003');
    const rows = outcome.evidence?.[0]?.content as {
      file: string;
      line: number;
      code: string;
      message: string;
    }[];
    expect(rows).toEqual([
      {
        file: 'tsconfig.json',
        line: 0,
        code: 'TS18003',
        message: expect.stringContaining('No inputs were found') as unknown,
      },
    ]);
  });

  it('passes as many errors as maxErrors allows, and says how many', async () => {
    const cwd = project({
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, types: [] }, include: ['*.ts'] }),
      'bad.ts': "export const n: number = 'x';\n",
    });
    const outcome = await typesGate.run(
      gateContext({ cwd, config: { gates: { thresholds: { code: { types: { maxErrors: 1 } } } } } }),
    );
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe('tsconfig.json: 1 type error');
    expect(judged(outcome)).toEqual([
      { name: 'errors', value: 1, threshold: 1, comparison: '<=', passed: true },
    ]);
  });

  it('is an error, saying it was killed, when its signal stops tsc', async () => {
    const cwd = project({ 'tsconfig.json': JSON.stringify({ include: ['*.ts'] }), 'a.ts': 'export {};\n' });
    const outcome = await typesGate.run(aborted(gateContext({ cwd })));
    expect(outcome).toMatchObject({ status: 'error', summary: 'tsc could not run (killed)' });
  });
});
