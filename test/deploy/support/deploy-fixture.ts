import { afterAll, beforeAll } from 'vitest';
import { startN8nReceiver, type N8nReceiver } from '../../support/n8n-receiver.ts';
import { runCli, type CliResult } from '../../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { createDeploySource, type DeploySource } from './deploy-source.ts';

/** The admin key the deploying CLI and its releases share: the E2E gate marks its lead synthetic with it. */
export const deployAdminKey = 'a-deploy-test-admin-key-0123456789abcdef'; // secretlint-disable-line -- a test key

export interface DeployFixture {
  readonly source: DeploySource;
  readonly db: TestDatabase;
  readonly receiver: N8nReceiver;
  /** What `hermes` runs with: the test database, the receiver, an admin key, no rate limits, no CI. */
  env(): NodeJS.ProcessEnv;
  /** `hermes ...args` in the source, as a subprocess. */
  hermes(args: readonly string[]): Promise<CliResult>;
}

interface Parts {
  source: DeploySource;
  db: TestDatabase;
  receiver: N8nReceiver;
}

/**
 * A file's deploy set-up: a source to deploy (test/deploy/support/deploy-source.ts), a migrated
 * test database and the n8n-like receiver, made before the file's first test; afterwards the
 * local target is stopped and each part removed, only the parts that were made (a failed set-up
 * must not hide its error behind the clean-up's).
 */
export function useDeployFixture(): DeployFixture {
  let parts: Parts | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  const made = (): Parts => {
    if (!parts) throw new Error('the deploy fixture is made in beforeAll');
    return parts;
  };
  const fixture: DeployFixture = {
    get source() {
      return made().source;
    },
    get db() {
      return made().db;
    },
    get receiver() {
      return made().receiver;
    },
    env: () => ({
      CI: '',
      DATABASE_URL: made().db.url,
      HERMES_N8N_WEBHOOK_URL: made().receiver.url,
      HERMES_ADMIN_API_KEYS: deployAdminKey,
      HERMES_RATE_LIMIT: 'off',
      HERMES_MIN_FILL_MS: '0',
    }),
    hermes: (args) => runCli(args, { cwd: made().source.dir, timeoutMs: 240_000, env: fixture.env() }),
  };
  beforeAll(async () => {
    const [source, db, receiver] = await Promise.all([
      createDeploySource(),
      createTestDatabase({ migrate: true }),
      startN8nReceiver(),
    ]);
    parts = { source, db, receiver };
    cleanups.push(
      () => db.drop(),
      () => receiver.close(),
      async () => {
        await fixture.hermes(['deploy', 'stop']);
        source.cleanup();
      },
    );
  }, 60_000);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }, 60_000);
  return fixture;
}
