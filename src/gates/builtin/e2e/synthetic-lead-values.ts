import { randomBytes } from 'node:crypto';
import type { LeadField } from '../../../leads/lead-rules.ts';
import { syntheticEmailDomain } from '../../../leads/synthetic-source.ts';

/**
 * What the E2E gate types into the form: plainly a test (no person's data), valid by every rule
 * the intake applies, with an address unique to the run at the reserved domain (the only one the
 * intake marks synthetic; `.invalid`: no mail can go there), by which the gate finds and removes
 * its lead afterwards.
 */
export function syntheticLeadValues(): Record<LeadField, string | boolean> {
  return {
    first_name: 'Hermes',
    last_name: 'Deployment Check',
    email: `e2e-${randomBytes(6).toString('hex')}@${syntheticEmailDomain}`,
    country: 'GB',
    phone_number: '+44 20 7946 0958',
    problem_description: 'Post-deployment end-to-end check by Hermes: a synthetic lead, removed afterwards.',
    service_urgency: 'not-urgent',
    agree_to_terms: true,
    privacy_consent: true,
  };
}
