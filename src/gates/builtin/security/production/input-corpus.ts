import { randomBytes } from 'node:crypto';

/** One malformed submission to POST /api/contact. */
export interface CorpusCase {
  name: string;
  contentType: string;
  body: string;
}

/** The values every case carries where it carries them, to find any row a case got stored as. */
export interface CorpusMarkers {
  /** At the reserved domain: never a person's. */
  email: string;
  /** Letters only (a name must contain one), distinctive per run. */
  firstName: string;
}

export function corpusMarkers(): CorpusMarkers {
  const hex = randomBytes(6).toString('hex');
  const letters = hex.replace(/\d/g, (d) => String.fromCharCode(103 + Number(d)));
  return {
    email: `e2e-scan-${hex}@deployment-test.invalid`,
    firstName: `Scanprobe${letters}`,
  };
}

/** A submission shaped as the form's, with the markers; each case breaks it one way. */
function shaped(markers: CorpusMarkers): Record<string, unknown> {
  return {
    first_name: markers.firstName,
    last_name: 'Deploymentscan',
    email: markers.email,
    country: 'GB',
    phone_number: '+44 20 7946 0958',
    problem_description: 'A post-deploy security scan: this submission is malformed on purpose.',
    service_urgency: 'urgent',
    agree_to_terms: true,
    privacy_consent: true,
  };
}

const json = 'application/json';

/**
 * Malformed submissions, each of which the intake must refuse (4xx) without storing anything.
 * A name with script tags is not among them: the intake stores names as text and escapes them on
 * output, so it would be a stored lead; script tags go into the email instead, which refuses them.
 */
export function inputCorpus(markers: CorpusMarkers, bodyLimitBytes: number): CorpusCase[] {
  const lead = shaped(markers);
  const without = (field: string) => Object.fromEntries(Object.entries(lead).filter(([k]) => k !== field));
  const cases: [string, string, unknown][] = [
    ['missing field (last_name)', json, without('last_name')],
    ['missing consent (privacy_consent false)', json, { ...lead, privacy_consent: false }],
    ['bad email', json, { ...lead, email: markers.email.replace('@', '.at.') }],
    ['script tags in the email', json, { ...lead, email: `<script>alert(1)</script>${markers.email}` }],
    ['huge field (last_name of 10000 characters)', json, { ...lead, last_name: 'A'.repeat(10_000) }],
    ['unknown field', json, { ...lead, scan_unknown_field: 'x' }],
    ['wrong type (service_urgency as a number)', json, { ...lead, service_urgency: 3 }],
    ['not an object (an array)', json, [lead]],
  ];
  return [
    ...cases.map(([name, contentType, body]) => ({ name, contentType, body: JSON.stringify(body) })),
    { name: 'invalid JSON', contentType: json, body: `${JSON.stringify(lead).slice(0, -1)},` },
    { name: 'wrong content type (text/plain)', contentType: 'text/plain', body: JSON.stringify(lead) },
    {
      name: `oversized body (over ${String(bodyLimitBytes)} bytes)`,
      contentType: json,
      body: JSON.stringify({ ...lead, problem_description: 'x'.repeat(bodyLimitBytes + 1) }),
    },
  ];
}
