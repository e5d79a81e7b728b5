import { z } from 'zod';
import { databaseSection, embeddedSection, migrationsSection } from './sections/database.ts';
import { logSection, serverSection } from './sections/server.ts';

/** `hermes.yaml`: one section per part; every key is optional and has a default. */
export const configSchema = z.strictObject({
  environment: z.enum(['development', 'test', 'staging', 'production']).default('development'),
  database: databaseSection,
  embedded: embeddedSection,
  migrations: migrationsSection,
  server: serverSection,
  log: logSection,
});

export type HermesConfig = z.output<typeof configSchema>;
