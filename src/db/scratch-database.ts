import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export interface ScratchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * An empty database to try things on, dropped afterwards: a new database on the same server
 * (its user needs CREATEDB), or an in-memory PGlite when the source is the embedded one.
 */
export async function createScratchDatabase(
  sourceUrl: string,
  embedded: boolean,
  prefix = 'hermes_scratch',
): Promise<ScratchDatabase> {
  if (embedded) {
    const memory = await startEmbeddedPostgres({ dataDir: null, maxConnections: 4 });
    return { url: memory.url, drop: () => memory.stop() };
  }
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: sourceUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(sourceUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: sourceUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
