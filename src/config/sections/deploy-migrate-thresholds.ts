import { z } from 'zod';
import { durationMs } from './duration.ts';

/**
 * A column type conversion a release means to make (`from`/`to` as PostgreSQL prints types:
 * `text`, `character varying(200)`; `varchar(200)`, `int4`, `timestamptz` are read as those).
 */
const typeChange = z.strictObject({
  column: z.string().min(1),
  from: z.string().min(1),
  to: z.string().min(1),
});

/** db.migrate.production (`gates.thresholds.deploy.migrate`): §2.2.1 and §2.2.2. */
export const deployMigrateThresholds = z
  .strictObject({
    /** Type changes of the records table's columns that are intended; any other one fails the step. */
    typeChanges: z.array(typeChange).default([]),
    /** How long to wait for another process's migration lock before giving up. */
    lockWait: durationMs.prefault('2m'),
    /** statement_timeout of each before/after data snapshot (counts and checksums over every record). */
    snapshotTimeout: durationMs.prefault('5m'),
  })
  .prefault({});

export type DeclaredTypeChange = z.output<typeof typeChange>;
