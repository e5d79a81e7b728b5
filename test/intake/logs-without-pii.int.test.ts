import { expect, it } from 'vitest';
import { validLead } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

const adminKey = 'admin-key-for-the-log-test-0123456789';
const intake = useIntake({
  config: { admin: { apiKeys: [adminKey] }, intake: { rateLimit: { perIpMax: 1000, perEmailMax: 2 } } },
});

const email = 'grace.hopper.pii@example.org';
const phones = ['+1 202 555 0143', '2025550143', '+12025550143', '(202) 555-0143'];

it('never writes an email or a phone number unmasked, on any endpoint, errors included', async () => {
  const lead = validLead({ email, country: 'US', phone_number: phones[0] });
  const json = { 'content-type': 'application/json' };
  const auth = { authorization: `Bearer ${adminKey}` };
  const requests: [string, RequestInit?][] = [
    ['/'],
    ['/health'],
    ['/health/database'],
    ['/metrics'],
    ['/privacy'],
    ['/assets/contact-form.js'],
    [`/no/such/${email}?email=${email}&phone=${encodeURIComponent(phones[3] ?? '')}`],
    [`/?email=${email}&phone=${phones[1] ?? ''}`],
    ['/api/contact', { method: 'POST', headers: json, body: JSON.stringify(lead) }],
    [
      '/api/contact',
      { method: 'POST', headers: { ...json, 'idempotency-key': email }, body: JSON.stringify(lead) },
    ],
    ['/api/contact', { method: 'POST', headers: json, body: JSON.stringify(lead) }], // past this email's limit: stored, flagged
    [
      '/api/contact',
      {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ ...lead, email: `${email}x`, first_name: '' }),
      },
    ],
    [
      '/api/contact',
      { method: 'POST', headers: json, body: `{"email": "${email}", "phone_number": "${phones[2] ?? ''}"` },
    ],
    [
      '/api/contact',
      { method: 'POST', headers: json, body: JSON.stringify({ email, pad: 'z'.repeat(40_000) }) },
    ],
    [
      '/api/contact',
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: `${email} ${phones[0] ?? ''}` },
    ],
    [
      '/api/contact',
      {
        method: 'POST',
        headers: { ...json, 'idempotency-key': email },
        body: JSON.stringify({ ...lead, email: email.replace('.org', '.net') }),
      },
    ],
    [
      '/api/contact',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ email, phone_number: phones[1] ?? '' }).toString(),
      },
    ],
    ['/api/admin/gdpr/export', { method: 'POST', headers: json, body: JSON.stringify({ email }) }],
    [
      '/api/admin/gdpr/export',
      { method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify({ email }) },
    ],
    [
      '/api/admin/gdpr/erase',
      { method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify({ email: `${email}.invalid` }) },
    ],
    [
      '/api/admin/gdpr/erase',
      { method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify({ email }) },
    ],
  ];
  const statuses: number[] = [];
  for (const [path, init] of requests) {
    const response = await fetch(`${intake.base}${path}`, init);
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  // The endpoints answered what they should, so the error paths really ran.
  expect(statuses).toEqual([
    200, 200, 200, 200, 200, 200, 404, 200, 201, 201, 201, 400, 400, 413, 415, 422, 400, 401, 200, 200, 200,
  ]);

  const text = intake.logs.join('');
  expect(intake.logs.length).toBeGreaterThanOrEqual(requests.length);
  expect(text.toLowerCase()).not.toContain(email);
  expect(text).not.toContain(email.split('@')[0]);
  for (const phone of phones) expect(text).not.toContain(phone);
  expect(text).not.toMatch(/202\D?555\D?0143/);
  expect(text).not.toContain(adminKey);

  // One JSON line per request, each with its request id.
  const requestLines = intake.logs
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((l) => l.msg === 'request');
  expect(requestLines).toHaveLength(requests.length);
  for (const line of requestLines) expect(line.reqId).toMatch(/^[0-9a-f-]{36}$/);
});
