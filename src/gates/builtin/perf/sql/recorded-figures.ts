import type { Queryable } from '../../../../db/queryable.ts';
import { liveDeploymentFrom } from '../../../../deploy/ledger/live-deployment.ts';

/** One earlier deployment's latest result of a gate: the measurements it recorded. */
export interface RecordedResult {
  readonly deploymentId: string;
  readonly version: string;
  readonly measurements: readonly { name?: unknown; value?: unknown; unit?: unknown }[];
}

/**
 * The latest result of gate $1 in each of the last $2 succeeded deployments that recorded one,
 * newest first, leaving out the live deployment (the release being judged when the gate runs on
 * its own).
 */
const sql = `
SELECT d.id AS "deploymentId", d.version, latest.measurements
FROM hermes_ops.deployments d
JOIN LATERAL (
  SELECT coalesce(r.measurements, '[]'::jsonb) AS measurements
  FROM hermes_ops.gate_results r
  JOIN hermes_ops.gate_runs g ON g.id = r.run_id
  WHERE g.deployment_id = d.id AND r.gate_id = $1
  ORDER BY g.started_at DESC, g.id DESC
  LIMIT 1
) latest ON true
WHERE d.status = 'succeeded'
  AND d.id IS DISTINCT FROM (SELECT id ${liveDeploymentFrom})
ORDER BY d.started_at DESC, d.id DESC
LIMIT $2`;

export async function recordedResults(
  db: Queryable,
  gateId: string,
  deployments: number,
): Promise<RecordedResult[]> {
  const { rows } = await db.query<RecordedResult>(sql, [gateId, deployments]);
  return rows;
}
