import { describe, expect, it } from 'vitest';
import { coerceEnvValue } from '../../src/config/env-mapping.ts';
import { configSchema } from '../../src/config/schema.ts';
import { environments } from '../../src/config/sections/environment.ts';
import { stages } from '../../src/config/sections/stage.ts';
import { stages as gateStages } from '../../src/gates/gate.ts';

describe('one list of environments and one of stages', () => {
  it('the config schema, NODE_ENV and the gates take the same environments', () => {
    for (const environment of environments) {
      expect(configSchema.parse({ environment }).environment).toBe(environment);
      expect(coerceEnvValue('environment', environment)).toBe(environment);
    }
    expect(configSchema.safeParse({ environment: 'preview' }).success).toBe(false);
    expect(coerceEnvValue('environment', 'preview')).toBeUndefined();
  });

  it('a custom gate takes the stages the engine runs', () => {
    expect(gateStages).toBe(stages);
    for (const stage of stages) {
      const parsed = configSchema.parse({
        gates: { custom: [{ id: 'team.check', kind: 'shell', stage, command: 'true' }] },
      });
      expect(parsed.gates.custom[0]?.stage).toBe(stage);
    }
  });
});

describe('delivery durations in hermes.yaml', () => {
  it('refuses more milliseconds than a safe integer holds, and a unit --since takes but config does not', () => {
    for (const lease of ['99999999999999999999d', '2w']) {
      const parsed = configSchema.safeParse({ delivery: { lease } });
      expect(JSON.stringify(parsed.error?.issues)).toContain('expected a duration');
    }
  });
});
