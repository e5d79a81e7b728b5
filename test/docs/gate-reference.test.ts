import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { builtinGates } from '../../src/gates/builtin/index.ts';
import { gateReference } from '../../src/gates/reference/gate-reference.ts';
import { gateRuns, npmScriptsByGate, readNpmScripts } from '../../src/gates/reference/npm-scripts-by-gate.ts';
import { headingAnchor, timeoutText } from '../../src/gates/reference/render-gate-reference.ts';
import { compareSpecSections, specCitation, specSections } from '../../src/gates/reference/spec-sections.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const defaults = configSchema.parse({});
const dirs: string[] = [];

/** A directory holding only the package.json given (or none). */
function project(packageJson?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-reference-'));
  dirs.push(dir);
  if (packageJson !== undefined) writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
  return dir;
}

/** The text from `heading` to the next heading. */
function sectionOf(text: string, heading: string): string {
  const start = text.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const ends = [text.indexOf('\n### ', start + 1), text.indexOf('\n## ', start + 1)].filter((i) => i >= 0);
  return text.slice(start, ends.length > 0 ? Math.min(...ends) : undefined);
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the gate reference (hermes gates list --format markdown)', () => {
  it('names the specification item of every built-in gate', () => {
    for (const gate of builtinGates()) {
      expect(gate.spec, gate.id).toBeDefined();
      expect(specSections, `${gate.id} cites ${gate.spec ?? ''}`).toHaveProperty([gate.spec ?? '']);
    }
    expect(specCitation('§1.1.3')).toBe('§1.1.3 Database Schema Validation');
    expect(specCitation('§9.9.9')).toBe('§9.9.9');
    expect(['§1.10.1', '§1.2.3', '§1.2'].sort(compareSpecSections)).toEqual(['§1.2', '§1.2.3', '§1.10.1']);
  });

  it('documents every built-in gate with its spec section, timeout, dependencies and every threshold default', () => {
    const text = gateReference(defaults, root);
    for (const gate of builtinGates()) {
      const own = sectionOf(text, `### \`${gate.id}\`: ${gate.title}`);
      expect(own).toContain(gate.description);
      expect(own).toContain(specCitation(gate.spec ?? ''));
      for (const dep of gate.dependsOn ?? []) expect(own).toContain(`\`${dep}\``);
      for (const threshold of gate.thresholds?.(defaults) ?? [])
        expect(own).toContain(`\`${threshold.key}\``);
    }
    expect(text).toContain(
      "- **Timeout:** 10 min (the gate's own; `gates.overrides.code.lint.timeoutMs` changes it)",
    );
    expect(text).toContain('- `gates.thresholds.tests.coverage.lines` = `90`: minimum lines coverage (%)');
    expect(text).toContain('- `gates.thresholds.security.code.entropyTolerance` = unset:');
    // Hermes's own package.json runs some gates on their own.
    expect(text).toContain('- **npm script:** `npm run db:health-check`');
    // A stage with no gate says what running it does.
    expect(text).toContain('`hermes gates run rollback` has nothing to judge, so it exits 2');
    expect(text).toContain('- **npm script:** `npm run build:production`');
  });

  it('is the same text whatever hermes.yaml tunes for the built-in gates, and carries no date or path', () => {
    const tuned = configSchema.parse({
      gates: {
        defaultTimeoutMs: 1000,
        overrides: { 'tests.unit': { exclusive: true, timeoutMs: 5000 } },
        thresholds: { code: { lint: { maxErrors: 7 } } },
      },
    });
    const text = gateReference(defaults, root);
    expect(gateReference(tuned, root)).toBe(text);
    expect(text).not.toContain(root);
    expect(text).not.toContain(tmpdir());
    expect(text).not.toMatch(/\b20\d\d-\d\d-\d\d\b/);
  });

  it('is already formatted as Prettier would write it (format:check passes on docs/gates.md)', async () => {
    const text = gateReference(defaults, root);
    const options = await prettier.resolveConfig(join(root, 'docs', 'gates.md'));
    expect(await prettier.format(text, { ...options, parser: 'markdown' })).toBe(text);
  });

  it('lists the custom gates of the config under their stage, with their own settings', () => {
    const config = configSchema.parse({
      gates: {
        custom: [
          { id: 'api.health', kind: 'http', stage: 'post-deploy', url: 'https://example.com/health' },
          {
            id: 'delivery.dead',
            kind: 'sql',
            stage: 'post-deploy',
            query: 'SELECT count(*) FROM hermes_outbox',
            expect: 'value == 0',
            dependsOn: ['api.health'],
            timeoutMs: 5000,
          },
        ],
      },
    });
    const text = gateReference(
      config,
      project({ scripts: { check: 'hermes gates run post-deploy --only=delivery.dead' } }),
    );
    const postDeploy = text.slice(
      text.indexOf('## Stage `post-deploy`'),
      text.indexOf('## Stage `rollback`'),
    );
    // The stage's 7 built-in gates and these 2.
    expect(postDeploy).toContain('runs these 9 gates');
    expect(postDeploy).toContain('### `delivery.dead`: SQL: value == 0');
    expect(postDeploy).toContain('- **Kind:** custom (sql, in `gates.custom`)');
    expect(postDeploy).toContain('- **Spec:** none');
    expect(postDeploy).toContain('- **Runs after:** `api.health`');
    expect(postDeploy).toContain('- **Timeout:** 5 s');
    expect(postDeploy).toContain('- **npm script:** `npm run check`');
    expect(postDeploy).toContain(
      '- `gates.custom[api.health].expectStatus` = `[200]`: the statuses that pass',
    );
    expect(text).toContain('## Stage `rollback`\n\nNo gate runs in this stage yet');
  });

  it('takes a stage filter', () => {
    const text = gateReference(defaults, root, ['deploy']);
    expect(text).toContain('## Stage `deploy`');
    expect(text).not.toContain('## Stage `pre-deploy`');
    expect(text).not.toContain('### `code.lint`');
  });
});

describe('npm scripts that run gates', () => {
  it('finds `gates run <stage> --only <ids>` in a script line, up to the end of its command', () => {
    expect(gateRuns('a', 'node bin/hermes.js gates run pre-deploy --only x.a,x.b')).toEqual([
      { script: 'a', stage: 'pre-deploy', ids: ['x.a', 'x.b'] },
    ]);
    expect(
      gateRuns('b', 'hermes gates run post-deploy --report-dir r --only=y.c && hermes gates run deploy'),
    ).toEqual([{ script: 'b', stage: 'post-deploy', ids: ['y.c'] }]);
    // An --only of the next command belongs to that one; a whole stage names no gate.
    expect(gateRuns('c', 'hermes gates run deploy && tool --only z.z')).toEqual([]);
    expect(gateRuns('d', 'vitest run --project unit')).toEqual([]);
  });

  it('maps each gate of a stage to the scripts that run it', () => {
    const scripts = npmScriptsByGate({
      one: 'hermes gates run pre-deploy --only db.connectivity',
      two: 'hermes gates run pre-deploy --only env.variables,db.connectivity',
      other: 'hermes gates run post-deploy --only db.connectivity',
    });
    expect(scripts.get('pre-deploy:db.connectivity')).toEqual(['one', 'two']);
    expect(scripts.get('post-deploy:db.connectivity')).toEqual(['other']);
    expect(scripts.get('pre-deploy:code.lint')).toBeUndefined();
  });

  it('reads package.json scripts, and none from a missing or broken file', () => {
    expect(readNpmScripts(project({ scripts: { a: 'x', b: 3 } }))).toEqual({ a: 'x' });
    expect(readNpmScripts(project())).toEqual({});
    const broken = project();
    writeFileSync(join(broken, 'package.json'), '{ not json');
    expect(readNpmScripts(broken)).toEqual({});
    expect(readNpmScripts(project({ name: 'no-scripts' }))).toEqual({});
  });
});

describe('render helpers', () => {
  it('writes timeouts exactly, and anchors as GitHub does', () => {
    expect(timeoutText(600_000)).toBe('10 min');
    expect(timeoutText(5_000)).toBe('5 s');
    expect(timeoutText(1_500)).toBe('1500 ms');
    expect(headingAnchor('`db.query-plans`: Query plans use indexes and run fast')).toBe(
      'dbquery-plans-query-plans-use-indexes-and-run-fast',
    );
  });
});
