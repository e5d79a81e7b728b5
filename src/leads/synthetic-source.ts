/**
 * The `source` of a lead no person sent: the gates' own (the E2E gate's submission, the
 * deployment-test rows). Such a lead is forwarded with `synthetic: true` so that a workflow can
 * drop it, and left out of exports, the duplicate-email check and lead counts.
 */
export const syntheticSource = 'deployment-test';
