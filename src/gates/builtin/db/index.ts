import type { Gate } from '../../gate.ts';
import { connectivityGate } from './connectivity.ts';
import { dataProtectionGate } from './data-protection.ts';
import { foreignKeysGate } from './foreign-keys.ts';
import { indexesGate } from './indexes.ts';
import { integrityGate } from './integrity.ts';
import { migrationsAppliedGate } from './migrations-applied.ts';
import { migrationsLintGate } from './migrations-lint.ts';
import { migrationsReversibleGate } from './migrations-reversible.ts';
import { queryPlansGate } from './query-plans.ts';
import { schemaBreakingGate } from './schema-breaking.ts';
import { schemaDriftGate } from './schema-drift.ts';
import { smokeGate } from './smoke.ts';
import { validateDataGate } from './validate-data.ts';

/**
 * §1.1.3 schema validation, §1.3 database gates and §1.4.2 connectivity (pre-deploy), then the
 * post-deploy §3.1.2 smoke test, live data integrity (§4.2.1) and §3.3.2 data protection.
 */
export function dbGates(): Gate[] {
  return [
    connectivityGate,
    migrationsReversibleGate,
    migrationsLintGate,
    schemaBreakingGate,
    foreignKeysGate,
    indexesGate,
    migrationsAppliedGate,
    schemaDriftGate,
    integrityGate,
    queryPlansGate,
    smokeGate,
    validateDataGate,
    dataProtectionGate,
  ];
}
