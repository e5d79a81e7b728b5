import type { HermesConfig } from '../../config/schema.ts';
import type { Gate } from '../gate.ts';
import { httpGate } from './http-gate.ts';
import { shellGate } from './shell-gate.ts';
import { sqlGate } from './sql-gate.ts';

/** The gates a team defined under `gates.custom` in hermes.yaml. */
export function customGates(config: Readonly<HermesConfig>): Gate[] {
  return config.gates.custom.map((spec) => {
    switch (spec.kind) {
      case 'shell':
        return shellGate(spec);
      case 'sql':
        return sqlGate(spec);
      case 'http':
        return httpGate(spec);
    }
  });
}
