import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configuredFileMissing, toolOrError } from '../../../src/gates/builtin/support/tool-problems.ts';

const empty = mkdtempSync(join(tmpdir(), 'hermes-tool-problems-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('toolOrError', () => {
  it("is the executable when the repository or Hermes has it (Hermes's own eslint here)", () => {
    expect(toolOrError(empty, 'eslint', 'ESLint')).toMatch(/node_modules\/\.bin\/eslint$/);
  });

  it('is an error naming the tool, with the default or the given reason, when neither has it', () => {
    expect(toolOrError(empty, 'hermes-no-such-tool', 'No-such')).toEqual({
      status: 'error',
      summary: 'No-such is not installed',
      reason: 'no hermes-no-such-tool executable in node_modules/.bin',
    });
    expect(toolOrError(empty, 'hermes-no-such-tool', 'No-such', 'install it')).toMatchObject({
      reason: 'install it',
    });
  });
});

describe('configuredFileMissing', () => {
  it('is an error naming the file and the key that names it', () => {
    expect(configuredFileMissing('gates.thresholds.code.lint.config', 'x.js', 'ESLint config x.js')).toEqual({
      status: 'error',
      summary: 'ESLint config x.js not found',
      reason: 'gates.thresholds.code.lint.config is x.js, which does not exist in the repository',
    });
    expect(configuredFileMissing('k', 'tsconfig.app.json').summary).toBe('tsconfig.app.json not found');
  });
});
