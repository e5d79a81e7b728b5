import { z } from 'zod';

const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
    error: 'expected a postgres:// or postgresql:// URL',
  });

export const databaseSection = z
  .strictObject({
    /** Unset: the embedded PostgreSQL (PGlite) under `embedded.dataDir`. */
    url: postgresUrl.optional(),
    /**
     * Who applies migrations (`hermes migrate`, `serve --migrate`, the deploy's
     * db.migrate.production): the schema's owner. Unset: `url`. With it, `url` can be the service's
     * own role, which may not change the schema (migration 0042, `hermes ops service-role`).
     */
    migrationUrl: postgresUrl.optional(),
    poolMax: z.int().min(1).max(500).default(10),
    connectionTimeoutMs: z.int().min(100).default(5_000),
    idleTimeoutMs: z.int().min(0).default(30_000),
    statementTimeoutMs: z.int().min(0).default(15_000),
  })
  .prefault({});

export const embeddedSection = z
  .strictObject({
    dataDir: z.string().min(1).default('.hermes/pgdata'),
    maxConnections: z.int().min(1).max(100).default(10),
  })
  .prefault({});

export const migrationsSection = z
  .strictObject({
    dir: z.string().min(1).default('migrations'),
    lockTimeoutMs: z.int().min(0).default(5_000),
    statementTimeoutMs: z.int().min(0).default(300_000),
    /** `embedded`: `hermes serve` applies pending migrations only on the embedded database. */
    applyOnStart: z.enum(['always', 'embedded', 'never']).default('embedded'),
  })
  .prefault({});
