import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { adminUrl } from './admin-url.ts';

/**
 * One id per test run: every database the run creates is named `hermes_test_<run>_...`,
 * and all of them are dropped when the run ends, whatever happened in between.
 */
export function setup(project: TestProject): () => Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  project.provide('testRunId', runId);
  return async () => {
    const client = new pg.Client({ connectionString: adminUrl() });
    try {
      await client.connect();
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`hermes_test_${runId}_%`],
      );
      for (const { datname } of rows)
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    } catch {
      // No server, nothing to drop: the tests that needed one have already failed loudly.
    } finally {
      await client.end().catch(() => undefined);
    }
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
  }
}
