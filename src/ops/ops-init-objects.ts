import type { Queryable } from '../db/queryable.ts';
import { relationExists } from '../db/relation-exists.ts';
import type { SchemaObject } from '../migrations/schema-snapshot.ts';
import { opsSchema } from './ops-schema.ts';

/** True when `hermes ops init` made hermes_ops here (its version record is there). */
export async function hasOpsInitSchema(db: Queryable): Promise<boolean> {
  return relationExists(db, `${opsSchema}.schema_version`);
}

const inOps = (name: string) => name === opsSchema || name.startsWith(`${opsSchema}.`);

/**
 * The schema without what `ops init` made: on another project, Hermes's ops tables are Hermes's
 * bookkeeping (as schema_migrations is), not objects the project's migrations should have made.
 */
export function withoutOpsInitObjects(objects: readonly SchemaObject[]): SchemaObject[] {
  return objects.filter((o) => !inOps(o.name) && !inOps(o.owner));
}
