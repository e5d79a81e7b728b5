import type { Queryable } from '../../db/queryable.ts';
import type { Deployment } from './deployment.ts';
import { deploymentColumns, toDeployment, type DeploymentRow } from './deployment-row.ts';
import { refuseChange } from './refuse-change.ts';

/** What the pipeline learns while a deployment runs; a key left out keeps its value. */
export interface DeploymentPatch {
  releaseHandle?: string | null;
  gatesPassed?: number;
  gatesTotal?: number;
  backupName?: string | null;
  schemaVersionBefore?: string | null;
  schemaVersionAfter?: string | null;
}

const patchKeys = [
  'releaseHandle',
  'gatesPassed',
  'gatesTotal',
  'backupName',
  'schemaVersionBefore',
  'schemaVersionAfter',
] as const satisfies readonly (keyof DeploymentPatch)[];

/**
 * The patch as the statement reads it: only the patchable keys that are present (a key given as
 * undefined counts as left out), so nothing else of a row can be changed through it.
 */
export function patchDocument(patch: DeploymentPatch): Record<string, string | number | null> {
  const document: Record<string, string | number | null> = {};
  for (const key of patchKeys) {
    const value = patch[key];
    if (value !== undefined) document[key] = value;
  }
  return document;
}

// `$2 ? key`: was the key given; a null value sets the column to null.
const updateRunning = `
UPDATE hermes_ops.deployments SET
  release_handle = CASE WHEN $2::jsonb ? 'releaseHandle' THEN $2->>'releaseHandle' ELSE release_handle END,
  gates_passed = CASE WHEN $2::jsonb ? 'gatesPassed' THEN ($2->>'gatesPassed')::integer ELSE gates_passed END,
  gates_total = CASE WHEN $2::jsonb ? 'gatesTotal' THEN ($2->>'gatesTotal')::integer ELSE gates_total END,
  backup_name = CASE WHEN $2::jsonb ? 'backupName' THEN $2->>'backupName' ELSE backup_name END,
  schema_version_before = CASE WHEN $2::jsonb ? 'schemaVersionBefore'
    THEN $2->>'schemaVersionBefore' ELSE schema_version_before END,
  schema_version_after = CASE WHEN $2::jsonb ? 'schemaVersionAfter'
    THEN $2->>'schemaVersionAfter' ELSE schema_version_after END
WHERE id = $1 AND status = 'running'
RETURNING ${deploymentColumns}`;

/** Records what a running deployment has learnt; refuses one that is not running (or not there). */
export async function updateDeployment(
  db: Queryable,
  id: string,
  patch: DeploymentPatch,
): Promise<Deployment> {
  const { rows } = await db.query<DeploymentRow>(updateRunning, [id, JSON.stringify(patchDocument(patch))]);
  const [row] = rows;
  if (!row) throw await refuseChange(db, id, 'update');
  return toDeployment(row);
}
