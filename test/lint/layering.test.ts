import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
// eslint.config.js is plain JavaScript without types: what it exports is taken as ESLint's config.
const config: unknown = await import(new URL('../../eslint.config.js', import.meta.url).href);
const { layeringRules } = config as { layeringRules: Linter.Config[] };

// Only the layering entries of the project's config (plus a parser for TypeScript): the rule under
// test, without the type-aware rules that would load the whole program.
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layeringRules],
});

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse error'}: ${m.message}`);
}

/** A file in `from` that imports `specifier`: the wrong way round unless `allowed`. */
const planted: [from: string, specifier: string][] = [
  ['src/config/sections/intake.ts', '../../leads/lead-rules.ts'],
  ['src/config/load-config.ts', '../db/open-database.ts'],
  ['src/db/open-database.ts', '../observability/logger.ts'],
  ['src/observability/logger.ts', '../config/schema.ts'],
  ['src/errors/hermes-error.ts', '../config/schema.ts'],
  ['src/delivery/replay.ts', '../cli/context.ts'],
  ['src/leads/find-lead.ts', '../intake/build-server.ts'],
  ['src/intake/build-server.ts', '../gates/all-gates.ts'],
  ['src/intake/build-server.ts', '../gates/builtin/index.ts'],
  ['src/gates/all-gates.ts', '../cli/program.ts'],
  ['src/gates/builtin/index.ts', '../../cli/context.ts'],
  ['src/migrations/migrator.ts', '../gates/builtin/db/index.ts'],
  // deploy runs the gates and is run by the CLI: neither the engine nor the inner parts import it.
  ['src/deploy/ledger/list-deployments.ts', '../../cli/context.ts'],
  ['src/deploy/ledger/list-deployments.ts', '../../intake/build-server.ts'],
  ['src/gates/history/record-gate-run.ts', '../../deploy/ledger/deployment.ts'],
  ['src/db/pool.ts', '../deploy/ledger/deployment.ts'],
  ['src/config/schema.ts', '../deploy/ledger/deployment.ts'],
  // The leaves import nothing but errors, not config, not each other.
  ['src/text/duration.ts', '../config/schema.ts'],
  ['src/text/output-tail.ts', '../observability/logger.ts'],
  ['src/text/escape-html.ts', '../subprocess/run-process.ts'],
  ['src/subprocess/run-process.ts', '../config/schema.ts'],
  ['src/subprocess/run-process.ts', '../text/output-tail.ts'],
  ['src/subprocess/run-process.ts', '../gates/gate.ts'],
];

describe('the layering rule (DESIGN.md: dependencies point inwards)', () => {
  it.each(planted)('refuses %s importing %s', async (from, specifier) => {
    const messages = await restrictedImports(
      from,
      `import { x } from '${specifier}';\nexport const y = x;\n`,
    );
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: .*\(DESIGN\.md\)$/)]);
  });

  it('refuses a type import the wrong way too', async () => {
    const messages = await restrictedImports(
      'src/config/schema.ts',
      "import type { Gate } from '../gates/gate.ts';\nexport type G = Gate;\n",
    );
    expect(messages).toHaveLength(1);
    // The layering rule's refusal, not a parse error or another rule.
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: .*\(DESIGN\.md\)$/)]);
  });

  it.each([
    ['src/config/sections/intake.ts', './form-field-names.ts'],
    ['src/db/open-database.ts', '../errors/hermes-error.ts'],
    ['src/delivery/replay.ts', '../leads/find-lead.ts'],
    ['src/intake/build-server.ts', '../delivery/delivery-worker.ts'],
    ['src/gates/all-gates.ts', './builtin/index.ts'],
    ['src/gates/builtin/db/index.ts', '../../../migrations/migrator.ts'],
    ['src/cli/program.ts', '../gates/all-gates.ts'],
    ['src/text/duration.ts', '../errors/hermes-error.ts'],
    ['src/subprocess/run-process.ts', '../errors/hermes-error.ts'],
    // Every part may use the leaves, the innermost ones too.
    ['src/config/sections/delivery.ts', '../../text/duration.ts'],
    ['src/db/open-database.ts', '../text/duration.ts'],
    ['src/observability/logger.ts', '../subprocess/run-process.ts'],
    ['src/config/load-config.ts', '../subprocess/run-process.ts'],
    ['src/delivery/parse-since.ts', '../text/duration.ts'],
    ['src/gates/builtin/support/outcome.ts', '../../../text/output-tail.ts'],
    ['src/intake/pages/page-layout.ts', '../../text/escape-html.ts'],
    ['src/cli/commands/gates/run-command.ts', '../../../subprocess/run-process.ts'],
    // The deploy pipeline uses the parts and the gate engine's history; the CLI and the gates use it.
    ['src/deploy/ledger/start-deployment.ts', '../../db/process-identity.ts'],
    ['src/deploy/ledger/start-deployment.ts', '../../gates/history/git-head.ts'],
    ['src/deploy/ledger/start-deployment.ts', '../../observability/version.ts'],
    ['src/cli/commands/deployments/index.ts', '../../../deploy/ledger/list-deployments.ts'],
    ['src/gates/builtin/deploy/build.ts', '../../../deploy/build/plan-build.ts'],
  ])('lets %s import %s', async (from, specifier) => {
    expect(await restrictedImports(from, `import { x } from '${specifier}';\nexport const y = x;\n`)).toEqual(
      [],
    );
  });
});
