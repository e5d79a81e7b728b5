import { isDeepStrictEqual } from 'node:util';
import type { HermesConfig } from '../../../config/schema.ts';
import { gateThresholdsSection, type GateThresholds } from '../../../config/sections/gate-thresholds.ts';
import type { ThresholdInfo } from '../../gate.ts';

const defaults: GateThresholds = gateThresholdsSection.parse(undefined);
/** `gates.thresholds` of the config, every default filled in by the schema. */
export function gateThresholds(config: Readonly<HermesConfig>): GateThresholds {
  return config.gates.thresholds;
}

type Family = keyof GateThresholds;

/** `hermes gates explain`: each threshold of one gate, its value, and whether the config changed it. */
export function describeThresholds<F extends Family, G extends keyof GateThresholds[F] & string>(
  config: Readonly<HermesConfig>,
  family: F,
  gate: G,
  descriptions: Partial<Record<keyof GateThresholds[F][G] & string, string>>,
): ThresholdInfo[] {
  const current = gateThresholds(config)[family][gate] as Record<string, unknown>;
  const initial = defaults[family][gate] as Record<string, unknown>;
  return Object.entries(descriptions).map(([key, description]) => ({
    key: `gates.thresholds.${family}.${gate}.${key}`,
    value: current[key],
    source: isDeepStrictEqual(current[key], initial[key]) ? 'default' : 'file',
    description: String(description),
  }));
}
