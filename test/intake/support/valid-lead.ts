// Imports nothing, so the benchmarks (outside vitest) can send the same leads as the tests.

let sequence = 0;

/** A valid submission; each call a different email, so per-email limits never meet. */
export function validLead(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: `ada.${process.pid}.${sequence}@example.com`,
    country: 'GB',
    phone_number: '+44 20 7946 0958',
    problem_description: 'Our web shop was defaced last night and customers see a ransom note.',
    service_urgency: 'urgent',
    agree_to_terms: true,
    privacy_consent: true,
    ...overrides,
  };
}
