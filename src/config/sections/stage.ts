/**
 * The stages of a deployment a gate runs in. Defined here, not in src/gates, because config
 * validates a custom gate's `stage` and config imports no other part (DESIGN.md).
 */
export const stages = ['pre-deploy', 'deploy', 'post-deploy', 'rollback'] as const;

export type Stage = (typeof stages)[number];
