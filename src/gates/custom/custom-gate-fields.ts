import type { CustomGateConfig } from '../../config/sections/gates.ts';
import type { Gate, ThresholdInfo } from '../gate.ts';

type Head = Pick<Gate, 'id' | 'stage' | 'title' | 'description' | 'dependsOn' | 'timeoutMs'>;

/**
 * The fields every custom gate takes from its entry in hermes.yaml; a title or description left
 * out reads as the gate's own words, a timeout left out (or 0) as the runner's default.
 */
export function customGateHead(spec: CustomGateConfig, title: string, description: string): Head {
  return {
    id: spec.id,
    stage: spec.stage,
    title: spec.title ?? title,
    description: spec.description ?? description,
    dependsOn: spec.dependsOn,
    ...(spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {}),
  };
}

export interface CustomSetting {
  /** The key under the gate's entry: `expectStatus`, `bodyMatches`. */
  key: string;
  value: unknown;
  description: string;
}

/**
 * `hermes gates explain`'s rows for a custom gate: the settings it has, all from hermes.yaml. A
 * setting left out, or an empty pattern (which the gate ignores too), is not listed.
 */
export function customThresholds(id: string, settings: readonly CustomSetting[]): ThresholdInfo[] {
  return settings
    .filter((s) => s.value !== undefined && s.value !== '')
    .map((s) => ({
      key: `gates.custom[${id}].${s.key}`,
      value: s.value,
      source: 'file',
      description: s.description,
    }));
}
