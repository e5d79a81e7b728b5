import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { ESLint, type Linter } from 'eslint';

// These plugins ship no type declarations; they are ESLint plugins, loaded from Hermes's own install.
const require = createRequire(import.meta.url);

export interface CodeFinding {
  file: string;
  line: number;
  rule: string;
  message: string;
}

/** A finding an inline `eslint-disable` comment silenced: counted and listed, never hidden. */
export interface SilencedFinding {
  file: string;
  line: number;
  rule: string;
  /** What the comment gave as its reason (after `--`), or null. */
  reason: string | null;
}

export interface CodeScan {
  files: string[];
  findings: CodeFinding[];
  silenced: SilencedFinding[];
}

/**
 * eslint-plugin-security's rules (every one as an error), and eslint-plugin-no-secrets'
 * high-entropy check when a tolerance is set, over the JavaScript and TypeScript files, with this configuration only (not
 * the repository's), so a project cannot switch the scan off by its lint config; inline disable
 * comments, which carry their reason in review, still apply, and what they silence is returned.
 */
export async function scanCode(
  cwd: string,
  patterns: readonly string[],
  ignore: readonly string[],
  ignoreRules: readonly string[],
  entropyTolerance: number | undefined,
): Promise<CodeScan> {
  const security = require('eslint-plugin-security') as ESLint.Plugin;
  const noSecrets = require('eslint-plugin-no-secrets') as ESLint.Plugin;
  const tsParser = (require('typescript-eslint') as { parser: Linter.Parser }).parser;
  const rules: Linter.RulesRecord = {};
  for (const name of Object.keys(security.rules ?? {})) rules[`security/${name}`] = 'error';
  if (entropyTolerance !== undefined)
    rules['no-secrets/no-secrets'] = ['error', { tolerance: entropyTolerance }];
  for (const name of ignoreRules) rules[name] = 'off';
  const scanned = new Set(Object.keys(rules).filter((name) => rules[name] !== 'off'));
  const eslint = new ESLint({
    cwd,
    overrideConfigFile: true,
    errorOnUnmatchedPattern: false,
    overrideConfig: [
      { ignores: [...ignore] },
      {
        files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'],
        languageOptions: { parser: tsParser, ecmaVersion: 'latest', sourceType: 'module' },
        linterOptions: { reportUnusedDisableDirectives: 'off' },
        plugins: { security, 'no-secrets': noSecrets },
        rules,
      },
    ],
  });
  const results = await eslint.lintFiles([...patterns]);
  const findings = results.flatMap((result) =>
    result.messages
      // Only this scan's rules: a directive naming a rule it does not load is the lint gate's concern.
      .filter((m) => (m.ruleId !== null && scanned.has(m.ruleId)) || m.fatal === true)
      .map((m) => ({
        file: relative(cwd, result.filePath),
        line: m.line,
        rule: m.ruleId ?? 'parse error',
        // no-secrets quotes the string it found: never repeat it.
        message: m.ruleId === 'no-secrets/no-secrets' ? 'high-entropy string (possible secret)' : m.message,
      })),
  );
  const silenced = results.flatMap((result) =>
    result.suppressedMessages
      .filter((m) => m.ruleId !== null && scanned.has(m.ruleId))
      .map((m) => ({
        file: relative(cwd, result.filePath),
        line: m.line,
        rule: m.ruleId ?? '',
        reason: m.suppressions.map((s) => s.justification).find((j) => j !== '') ?? null,
      })),
  );
  return { files: results.map((r) => relative(cwd, r.filePath)), findings, silenced };
}
