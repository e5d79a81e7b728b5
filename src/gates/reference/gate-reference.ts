import { configSchema, type HermesConfig } from '../../config/schema.ts';
import { builtinGates } from '../builtin/index.ts';
import { customGates } from '../custom/custom-gates.ts';
import { stages, type Gate, type Stage } from '../gate.ts';
import { gatePolicy } from '../gate-policy.ts';
import { npmScriptsByGate, readNpmScripts } from './npm-scripts-by-gate.ts';
import { renderGateReference, type ReferenceGate } from './render-gate-reference.ts';
import { compareSpecSections } from './spec-sections.ts';

/** The built-in gates' settings as they ship: what the reference documents, whatever hermes.yaml says. */
function defaultConfig(): Readonly<HermesConfig> {
  return configSchema.parse({});
}

function referenceGate(
  gate: Gate,
  kind: string,
  config: Readonly<HermesConfig>,
  scripts: ReadonlyMap<string, string[]>,
): ReferenceGate {
  const policy = gatePolicy(config, gate);
  return {
    id: gate.id,
    stage: gate.stage,
    title: gate.title,
    spec: gate.spec ?? null,
    kind,
    description: gate.description,
    dependsOn: [...(gate.dependsOn ?? [])],
    timeoutMs: policy.timeoutMs,
    timeoutFrom: gate.timeoutMs === undefined ? 'engine' : 'gate',
    exclusive: policy.exclusive,
    // The same rows `hermes gates explain` prints, from the same definition.
    thresholds: gate.thresholds?.(config) ?? [],
    npmScripts: scripts.get(`${gate.stage}:${gate.id}`) ?? [],
  };
}

/** Built-in gates in the specification's order (a stable sort keeps each section's own order). */
function bySpec(gates: readonly ReferenceGate[]): ReferenceGate[] {
  return [...gates].sort((a, b) =>
    a.spec === null || b.spec === null
      ? Number(a.spec === null) - Number(b.spec === null)
      : compareSpecSections(a.spec, b.spec),
  );
}

/**
 * `hermes gates list --format markdown`: the built-in gates with their defaults, then the custom
 * gates of `config` as it defines them, and the npm scripts of `cwd`'s package.json that run them.
 */
export function gateReference(
  config: Readonly<HermesConfig>,
  cwd: string,
  only: readonly Stage[] = stages,
): string {
  const scripts = npmScriptsByGate(readNpmScripts(cwd));
  const defaults = defaultConfig();
  const builtin = builtinGates().map((gate) => referenceGate(gate, 'built-in', defaults, scripts));
  const custom = customGates(config).map((gate, index) =>
    referenceGate(
      gate,
      `custom (${config.gates.custom[index]?.kind ?? ''}, in \`gates.custom\`)`,
      config,
      scripts,
    ),
  );
  return renderGateReference(only, [...bySpec(builtin), ...custom]);
}
