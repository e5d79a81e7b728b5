import { environments } from './sections/environment.ts';

/** Environment variables Hermes reads, and the config key each one sets (names in DESIGN.md). */
export type EnvKind = 'string' | 'int' | 'list' | 'off-switch' | 'environment';

export interface EnvBinding {
  readonly name: string;
  readonly path: readonly string[];
  readonly kind: EnvKind;
}

export const envBindings: readonly EnvBinding[] = [
  { name: 'POSTGRES_URL', path: ['database', 'url'], kind: 'string' },
  // Listed after its alias so that DATABASE_URL wins when both are set.
  { name: 'DATABASE_URL', path: ['database', 'url'], kind: 'string' },
  { name: 'HERMES_MIGRATION_DATABASE_URL', path: ['database', 'migrationUrl'], kind: 'string' },
  { name: 'HERMES_DATA_DIR', path: ['embedded', 'dataDir'], kind: 'string' },
  { name: 'HOST', path: ['server', 'host'], kind: 'string' },
  { name: 'PORT', path: ['server', 'port'], kind: 'int' },
  { name: 'HERMES_DEPLOYMENT_ID', path: ['server', 'deploymentId'], kind: 'string' },
  { name: 'HERMES_ROLE_FILE', path: ['server', 'roleFile'], kind: 'string' },
  { name: 'HERMES_TRUST_PROXY', path: ['server', 'trustProxy'], kind: 'list' },
  { name: 'LOG_LEVEL', path: ['log', 'level'], kind: 'string' },
  { name: 'HERMES_LOG_FORMAT', path: ['log', 'format'], kind: 'string' },
  // NODE_ENV counts only when it names one of Hermes's environments; HERMES_ENV always counts.
  { name: 'NODE_ENV', path: ['environment'], kind: 'environment' },
  { name: 'HERMES_ENV', path: ['environment'], kind: 'string' },
  { name: 'HERMES_ADMIN_API_KEYS', path: ['admin', 'apiKeys'], kind: 'list' },
  { name: 'HERMES_INTAKE_API_KEYS', path: ['intake', 'apiKeys'], kind: 'list' },
  { name: 'HERMES_RATE_LIMIT', path: ['intake', 'rateLimit', 'enabled'], kind: 'off-switch' },
  { name: 'HERMES_MIN_FILL_MS', path: ['intake', 'minFillMs'], kind: 'int' },
  { name: 'HERMES_N8N_WEBHOOK_URL', path: ['n8n', 'webhookUrl'], kind: 'string' },
  { name: 'HERMES_N8N_SIGNING_SECRET', path: ['n8n', 'signingSecrets'], kind: 'list' },
  { name: 'HERMES_PROMETHEUS_URL', path: ['prometheus', 'url'], kind: 'string' },
  { name: 'HERMES_DATA_KEY', path: ['dataProtection', 'keys'], kind: 'list' },
  { name: 'HERMES_DELIVERY_WORKER', path: ['delivery', 'workerInServe'], kind: 'off-switch' },
];

const known: ReadonlySet<string> = new Set(environments);

/**
 * Turns an environment string into the value the schema expects; leaves it as is when it can't
 * (so validation names it), and returns undefined for a variable that does not apply.
 */
export function coerceEnvValue(kind: EnvKind, raw: string): unknown {
  switch (kind) {
    case 'int': {
      const trimmed = raw.trim();
      return /^-?\d+$/.test(trimmed) ? Number(trimmed) : raw;
    }
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
    case 'off-switch':
      return !['off', 'false', '0', 'no'].includes(raw.trim().toLowerCase());
    case 'environment':
      return known.has(raw) ? raw : undefined;
    case 'string':
      return raw;
  }
}
