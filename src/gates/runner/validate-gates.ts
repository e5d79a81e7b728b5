import type { HermesConfig } from '../../config/schema.ts';
import type { Gate } from '../gate.ts';

/**
 * Problems with a set of gates as configured, one line each naming the key or gate at fault:
 * duplicate ids, unknown or cross-stage dependencies, cycles, overrides of gates that don't exist.
 */
export function validateGates(gates: readonly Gate[], config: Readonly<HermesConfig>): string[] {
  const problems: string[] = [];
  const byId = new Map<string, Gate>();
  const customIndex = new Map(config.gates.custom.map((custom, index) => [custom.id, index]));
  const where = (id: string): string => {
    const index = customIndex.get(id);
    return index === undefined ? `gate ${id}` : `gates.custom.${index} (${id})`;
  };

  for (const gate of gates) {
    if (byId.has(gate.id)) {
      const index = customIndex.get(gate.id);
      problems.push(
        index === undefined
          ? `gate ${gate.id}: defined twice`
          : `gates.custom.${index}.id: expected a new id, got "${gate.id}", which is a built-in gate`,
      );
      continue;
    }
    byId.set(gate.id, gate);
  }

  for (const gate of byId.values()) {
    for (const dep of gate.dependsOn ?? []) {
      const target = byId.get(dep);
      if (!target) problems.push(`${where(gate.id)}: depends on ${dep}, which is no gate`);
      else if (target.stage !== gate.stage)
        problems.push(
          `${where(gate.id)}: depends on ${dep}, which runs in stage ${target.stage}, not ${gate.stage}`,
        );
    }
  }

  for (const cycle of findCycles(byId)) problems.push(`dependency cycle: ${cycle.join(' → ')}`);

  for (const id of Object.keys(config.gates.overrides)) {
    if (!byId.has(id)) problems.push(`gates.overrides.${id}: no such gate (see hermes gates list)`);
  }
  return problems;
}

/** Each cycle once, as the path that closes it (a → b → a). */
function findCycles(byId: ReadonlyMap<string, Gate>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(id)), id]);
      return;
    }
    state.set(id, 'visiting');
    for (const dep of byId.get(id)?.dependsOn ?? []) if (byId.has(dep)) visit(dep, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of byId.keys()) visit(id, []);
  return cycles;
}
