import { z } from 'zod';
import { databaseSection, embeddedSection, migrationsSection } from './sections/database.ts';
import { logSection, serverSection } from './sections/server.ts';
import { intakeSection } from './sections/intake.ts';
import { adminSection } from './sections/admin.ts';
import { gatesSection } from './sections/gates.ts';
import { n8nSection } from './sections/n8n.ts';
import { deliverySection } from './sections/delivery.ts';
import { environments } from './sections/environment.ts';
import { backupSection, deploySection } from './sections/deploy.ts';
import { assetsSection } from './sections/assets.ts';
import { dataProtectionSection } from './sections/data-protection.ts';
import { prometheusSection } from './sections/prometheus.ts';
import { rollbackTriggersSection } from './sections/rollback-triggers.ts';
import { faultsSection } from './sections/faults.ts';

/** `hermes.yaml`: one section per part; every key is optional and has a default. */
export const configSchema = z.strictObject({
  environment: z.enum(environments).default('development'),
  database: databaseSection,
  embedded: embeddedSection,
  migrations: migrationsSection,
  server: serverSection,
  log: logSection,
  intake: intakeSection,
  admin: adminSection,
  gates: gatesSection,
  n8n: n8nSection,
  delivery: deliverySection,
  deploy: deploySection,
  backup: backupSection,
  assets: assetsSection,
  dataProtection: dataProtectionSection,
  prometheus: prometheusSection,
  /** The spec's §4.1.1 block, at the top level and in its own snake_case, as the spec writes it. */
  rollback_triggers: rollbackTriggersSection,
  faults: faultsSection,
});

export type HermesConfig = z.output<typeof configSchema>;
