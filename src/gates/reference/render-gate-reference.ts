import type { Stage, ThresholdInfo } from '../gate.ts';
import { specCitation } from './spec-sections.ts';

/** One gate as the reference shows it: its definition, its default policy, the scripts that run it. */
export interface ReferenceGate {
  id: string;
  stage: Stage;
  title: string;
  spec: string | null;
  /** `built-in`, or `custom (shell)` for a gate of `gates.custom`. */
  kind: string;
  description: string;
  dependsOn: readonly string[];
  timeoutMs: number;
  /** Where the timeout comes from: the gate's own default, or `gates.defaultTimeoutMs`. */
  timeoutFrom: 'gate' | 'engine';
  exclusive: boolean;
  thresholds: readonly ThresholdInfo[];
  npmScripts: readonly string[];
}

export const regenerateCommand = 'node bin/hermes.js gates list --format markdown > docs/gates.md';

/** Values longer than this go in a block of their own, not inline. */
const inlineWidth = 60;

/** `10 min`, `45 s`, `1500 ms`: a timeout as a person reads it, exact. */
export function timeoutText(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1_000 === 0) return `${ms / 1_000} s`;
  return `${ms} ms`;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, blanks as dashes. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function gateHeading(gate: ReferenceGate): string {
  return `\`${gate.id}\`: ${gate.title}`;
}

/** A value as JSON on one line, a blank after each comma and colon: lists and maps of scalars read fine so. */
function inlineValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineValue).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .map(([key, child]) => `${JSON.stringify(key)}: ${inlineValue(child)}`)
      .join(', ')}}`;
  // A threshold left unset is handled before this; config values are JSON's kinds only.
  return JSON.stringify(value);
}

/** Nested values (a list of requests, a map of lists) longer than a line read better as a block. */
function isNested(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    Object.values(value).some((child) => child !== null && typeof child === 'object')
  );
}

function thresholdLines(threshold: ThresholdInfo): string[] {
  const { key, value, description } = threshold;
  if (value === undefined) return [`- \`${key}\` = unset: ${description}`];
  const inline = inlineValue(value);
  if ((inline.length <= inlineWidth || !isNested(value)) && !inline.includes('`'))
    return [`- \`${key}\` = \`${inline}\`: ${description}`];
  const block = JSON.stringify(value, null, 2).split('\n');
  return [`- \`${key}\` = (below): ${description}`, '', '  ```', ...block.map((l) => `  ${l}`), '  ```', ''];
}

function gateSection(gate: ReferenceGate): string[] {
  const facts = [
    `- **Kind:** ${gate.kind}`,
    `- **Spec:** ${gate.spec === null ? 'none (not a gate of the specification)' : specCitation(gate.spec)}`,
    `- **Runs after:** ${gate.dependsOn.length === 0 ? 'nothing (no dependencies)' : gate.dependsOn.map((id) => `\`${id}\``).join(', ')}`,
    `- **Timeout:** ${timeoutText(gate.timeoutMs)} (${
      gate.timeoutFrom === 'gate' ? "the gate's own" : '`gates.defaultTimeoutMs`'
    }; \`gates.overrides.${gate.id}.timeoutMs\` changes it)`,
    ...(gate.exclusive ? ['- **Runs alone:** no other gate runs at the same time'] : []),
    `- **npm script:** ${
      gate.npmScripts.length === 0
        ? 'none of its own'
        : gate.npmScripts.map((script) => `\`npm run ${script}\``).join(', ')
    }`,
  ];
  const thresholds =
    gate.thresholds.length === 0
      ? ['Thresholds: none; the gate has no setting of its own.']
      : ['Thresholds and settings (`key` = value: meaning):', '', ...gate.thresholds.flatMap(thresholdLines)];
  return [`### ${gateHeading(gate)}`, '', gate.description, '', ...facts, '', ...thresholds, ''];
}

function stageSection(stage: Stage, gates: readonly ReferenceGate[]): string[] {
  const heading = [`## Stage \`${stage}\``, ''];
  if (gates.length === 0)
    return [
      ...heading,
      `No gate runs in this stage yet: \`hermes gates run ${stage}\` has nothing to judge, so it exits 2 rather than pass. A custom gate with \`stage: ${stage}\` runs here ([custom gates](custom-gates.md)).`,
      '',
    ];
  return [
    ...heading,
    `\`hermes gates run ${stage}\` runs these ${gates.length} gates, independent ones in parallel (\`gates.concurrency\`), each after the gates it depends on; \`--only <ids>\` runs a selection.`,
    '',
    ...gates.map((gate) => {
      const cited = gate.spec === null ? '' : ` (${gate.spec})`;
      return `- [\`${gate.id}\`](#${headingAnchor(gateHeading(gate))}): ${gate.title}${cited}`;
    }),
    '',
    ...gates.flatMap(gateSection),
  ];
}

/**
 * The gate reference (docs/gates.md) as Markdown: per stage, per gate, everything its definition
 * says. Built from data only, so the same gates always give the same text (no dates, no paths).
 */
export function renderGateReference(stages: readonly Stage[], gates: readonly ReferenceGate[]): string {
  const lines = [
    '# Gate reference',
    '',
    `<!-- Generated from the gate definitions by \`hermes gates list --format markdown\`; do not edit by hand. Regenerate with: ${regenerateCommand} -->`,
    '',
    'Every gate Hermes runs, stage by stage, generated from the gate definitions themselves. A gate passes, warns, fails, skips (with a reason) or errors (it could not judge, with a reason); `hermes gates explain <id>` shows the same facts with the values in effect and where each comes from (default, `hermes.yaml` or the environment).',
    '',
    'Section numbers (§1.1.1) are those of the deployment quality-gates specification Hermes implements; each gate cites the item it checks. Built-in gates are shown with their defaults: `gates.thresholds.<family>...` in `hermes.yaml` changes a threshold, and every gate takes `gates.overrides.<id>.{enabled, advisory, timeoutMs, errorAs, noData, exclusive}`. Custom gates (shell, SQL, HTTP) are described in [custom-gates.md](custom-gates.md); those defined in the `hermes.yaml` this reference was generated with are listed under their stage.',
    '',
    ...stages.flatMap((stage) =>
      stageSection(
        stage,
        gates.filter((gate) => gate.stage === stage),
      ),
    ),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
