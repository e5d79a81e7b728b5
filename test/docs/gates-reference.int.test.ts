import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { regenerateCommand } from '../../src/gates/reference/render-gate-reference.ts';
import { runCli } from '../support/run-cli.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The first line where two texts part, for a failure a person can act on. */
function firstDifference(expected: string, actual: string): string {
  const [left, right] = [expected.split('\n'), actual.split('\n')];
  const line = left.findIndex((text, i) => text !== right[i]);
  const at = line === -1 ? left.length : line;
  return `line ${at + 1}: docs/gates.md has ${JSON.stringify(right[at] ?? '(end)')}, the gates give ${JSON.stringify(left[at] ?? '(end)')}`;
}

describe('docs/gates.md', () => {
  it('is what `hermes gates list --format markdown` prints now (CI fails when a gate changed and the reference did not)', async () => {
    const result = await runCli(['gates', 'list', '--format', 'markdown'], { cwd: root });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const checkedIn = await readFile(new URL('../../docs/gates.md', import.meta.url), 'utf8');
    if (checkedIn !== result.stdout)
      expect.fail(
        `docs/gates.md is out of date (${firstDifference(result.stdout, checkedIn)}); regenerate it: ${regenerateCommand}`,
      );
  }, 60_000);

  it('refuses --format markdown with --json, and an unknown format, as usage errors', async () => {
    const both = await runCli(['gates', 'list', '--format', 'markdown', '--json'], { cwd: root });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('usage_invalid');
    expect(both.stdout).toBe('');
    const unknown = await runCli(['gates', 'list', '--format', 'html'], { cwd: root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('expected one of text, markdown, got "html"');
  }, 60_000);
});
