import { afterAll, describe, expect, it } from 'vitest';
import { formatGate } from '../../../src/gates/builtin/code/format.ts';
import { lintGate } from '../../../src/gates/builtin/code/lint.ts';
import { typesGate } from '../../../src/gates/builtin/code/types.ts';
import { judged } from '../support/judged.ts';
import { gateContext, makeProject } from './support/gate-context.ts';

// Fixture projects are written at test time: a type error or an unformatted file kept in the
// repository would fail the repository's own type-check and format gates.
const eslintConfig = "export default [{ files: ['**/*.js'], rules: { 'no-unused-vars': 'error' } }];\n";
const tsconfig = JSON.stringify({
  compilerOptions: { strict: true, noEmit: true, types: [], target: 'ES2022', module: 'ES2022' },
  include: ['*.ts'],
});

const projects: { remove: () => void }[] = [];
function project(files: Record<string, string>): string {
  const made = makeProject({ 'package.json': '{\n  "type": "module"\n}\n', ...files });
  projects.push(made);
  return made.dir;
}
afterAll(() => {
  for (const p of projects) p.remove();
});

describe('code.lint', () => {
  it('passes a clean project', async () => {
    const cwd = project({ 'eslint.config.js': eslintConfig, 'good.js': 'export const used = 1;\n' });
    const outcome = await lintGate.run(gateContext({ cwd }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe('2 files linted: 0 errors, 0 warnings');
    expect(judged(outcome)).toEqual([
      { name: 'errors', value: 0, threshold: 0, comparison: '<=', passed: true },
    ]);
  });

  it('fails naming the file, line and rule of a lint error', async () => {
    const cwd = project({
      'eslint.config.js': eslintConfig,
      'bad.js': 'export const used = 1;\nconst unused = 2;\n',
    });
    const outcome = await lintGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 ESLint error: bad.js:2:7 no-unused-vars');
    expect(judged(outcome)).toEqual([
      { name: 'errors', value: 1, threshold: 0, comparison: '<=', passed: false },
    ]);
  });

  it('is an error when ESLint cannot run', async () => {
    const cwd = project({
      'eslint.config.js': 'export default [{ rules: { "no-such-rule": "error" } }];\n',
      'a.js': '',
    });
    const outcome = await lintGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toMatch(/no-such-rule/);
  });
});

describe('code.types', () => {
  it('passes a project without type errors', async () => {
    const cwd = project({ 'tsconfig.json': tsconfig, 'good.ts': 'export const n: number = 1;\n' });
    const outcome = await typesGate.run(gateContext({ cwd }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(judged(outcome)).toEqual([
      { name: 'errors', value: 0, threshold: 0, comparison: '<=', passed: true },
    ]);
  });

  it('fails naming the file, line and code of a type error', async () => {
    const cwd = project({
      'tsconfig.json': tsconfig,
      'bad.ts': "export const ok = 1;\nexport const n: number = 'x';\n",
    });
    const outcome = await typesGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 TypeScript error: bad.ts:2 TS2322');
    expect(judged(outcome)).toEqual([
      { name: 'errors', value: 1, threshold: 0, comparison: '<=', passed: false },
    ]);
  });
});

describe('code.format', () => {
  it('passes formatted files', async () => {
    const cwd = project({ '.prettierrc.json': '{}\n', 'good.js': 'const a = 1;\n' });
    const outcome = await formatGate.run(gateContext({ cwd }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe('every file formatted');
    expect(judged(outcome)).toEqual([
      { name: 'unformatted files', value: 0, threshold: 0, comparison: '<=', passed: true },
    ]);
  });

  it('fails listing the unformatted files', async () => {
    const cwd = project({
      '.prettierrc.json': '{}\n',
      'good.js': 'const a = 1;\n',
      'ugly.js': 'const  b= {a:1}\n',
    });
    const outcome = await formatGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 file not formatted: ugly.js');
    expect(judged(outcome)).toEqual([
      { name: 'unformatted files', value: 1, threshold: 0, comparison: '<=', passed: false },
    ]);
  });
});
