import type { Queryable } from '../../db/queryable.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import type { DeploymentStatus } from './deployment.ts';

export type LedgerChange = 'finish' | 'update' | 'roll back';

/** Which statuses each change starts from: the conditions of the UPDATEs that make them. */
const allowedFrom: Readonly<Record<LedgerChange, readonly DeploymentStatus[]>> = {
  finish: ['running'],
  update: ['running'],
  'roll back': ['succeeded', 'failed'],
};

/** Why `change` did not apply to deployment `id`, whose status is now `status` (null: no such row). */
export function changeRefusal(
  id: string,
  change: LedgerChange,
  status: DeploymentStatus | null,
): HermesError {
  if (status === null) return new HermesError('deployment_not_found', `no deployment ${id}`);
  return new HermesError('deployment_status_conflict', `cannot ${change} deployment ${id}: it is ${status}`, {
    details: [`only a deployment that is ${allowedFrom[change].join(' or ')} can be changed so`],
  });
}

/**
 * The refusal for an UPDATE that matched no row: the status is read again to say why. Between the
 * two statements the row may change, which changes the message, never what was written.
 */
export async function refuseChange(db: Queryable, id: string, change: LedgerChange): Promise<HermesError> {
  const { rows } = await db.query<{ status: DeploymentStatus }>(
    'SELECT status FROM hermes_ops.deployments WHERE id = $1',
    [id],
  );
  return changeRefusal(id, change, rows[0]?.status ?? null);
}
