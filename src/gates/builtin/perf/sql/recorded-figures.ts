import type { Queryable } from '../../../../db/queryable.ts';

/** One earlier deployment's latest result of a gate: the measurements it recorded. */
export interface RecordedResult {
  readonly deploymentId: string;
  readonly version: string;
  readonly measurements: readonly { name?: unknown; value?: unknown; unit?: unknown }[];
}

/**
 * The latest result of gate $1 in each of the last $2 succeeded deployments that recorded one,
 * newest first, leaving out the release being judged: the newest deployment that is running or
 * succeeded. On its own the gate judges the live deployment, which is left out; in `hermes deploy`
 * the new deployment is still running, so the live one (the release before it) stays in.
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
  AND d.id IS DISTINCT FROM (
    SELECT id FROM hermes_ops.deployments
    WHERE status IN ('running', 'succeeded')
    ORDER BY started_at DESC, id DESC
    LIMIT 1
  )
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
