/**
 * The `source` of a lead no person sent: the gates' own (the E2E gate's submission, the
 * deployment-test rows). Such a lead is forwarded with `synthetic: true` so that a workflow can
 * drop it, and left out of exports, the duplicate-email check and lead counts.
 */
export const syntheticSource = 'deployment-test';

/**
 * The one domain a synthetic lead's address may have (`.invalid`: reserved, no mail can go there),
 * so that marking a lead synthetic can never hide a person's address from their export.
 */
export const syntheticEmailDomain = 'deployment-test.invalid';

export function isSyntheticAddress(email: string): boolean {
  return email.toLowerCase().endsWith(`@${syntheticEmailDomain}`);
}
