import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { customGateSchema } from '../../src/config/sections/gates.ts';
import { allGates } from '../../src/gates/all-gates.ts';
import { validateGates } from '../../src/gates/runner/validate-gates.ts';
import { runCli } from '../support/run-cli.ts';

const doc = await readFile(new URL('../../docs/custom-gates.md', import.meta.url), 'utf8');
/** Every ```yaml block of the page: each one is a whole hermes.yaml. */
const examples = [...doc.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function projectWith(yaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hermes-custom-gates-doc-'));
  dirs.push(dir);
  await writeFile(join(dir, 'hermes.yaml'), yaml);
  return dir;
}

describe('docs/custom-gates.md', () => {
  it('has a complete example of every kind of custom gate', () => {
    const kinds = new Set(
      examples.flatMap((yaml) => [...yaml.matchAll(/^\s+kind: (\w+)$/gm)].map((m) => m[1])),
    );
    expect([...kinds].sort()).toEqual(customGateSchema.options.map((kind) => kind.shape.kind.value).sort());
  });

  it.each(examples.map((yaml, index) => [index + 1, yaml] as const))(
    'example %i validates with the config loader and `hermes gates list` shows its gates',
    async (_index, yaml) => {
      const dir = await projectWith(yaml);
      const { config } = loadConfig({ cwd: dir, env: {} });
      const ids = config.gates.custom.map((gate) => gate.id);
      expect(ids.length).toBeGreaterThan(0);
      // What `hermes gates validate` adds to the schema: dependencies, cycles, overrides of real gates.
      expect(validateGates(allGates(config), config)).toEqual([]);

      const listed = await runCli(['gates', 'list', '--json'], { cwd: dir });
      expect(listed.stderr).toBe('');
      expect(listed.code).toBe(0);
      const rows = JSON.parse(listed.stdout) as { id: string; kind: string; stage: string }[];
      for (const gate of config.gates.custom)
        expect(rows).toContainEqual(
          expect.objectContaining({ id: gate.id, kind: 'custom', stage: gate.stage }),
        );
    },
    // A CLI start-up each, on a machine that may be busy with the rest of the suite.
    60_000,
  );

  it('documents every field each kind takes, in its tables', () => {
    for (const kind of customGateSchema.options)
      for (const field of Object.keys(kind.shape))
        expect(doc, `${kind.shape.kind.value}.${field}`).toContain(`| \`${field}\``);
  });
});
