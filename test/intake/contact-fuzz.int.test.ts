import fc from 'fast-check';
import { expect, it } from 'vitest';
import { leadFieldNames } from '../../src/leads/lead-rules.ts';
import { validLead } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

const intake = useIntake({ config: { intake: { rateLimit: { enabled: false } } } });

const statuses = new Map<number, number>();

async function send(body: string | Uint8Array, contentType: string): Promise<number> {
  const response = await fetch(`${intake.base}/api/contact`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  await response.arrayBuffer();
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  return response.status;
}

const isClientError = (status: number) => status >= 400 && status < 500;

// A value no field accepts: wrong types, control characters, huge strings, prototype keys.
const badValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean().map((b) => (b ? null : false)),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
  fc.string().map((s) => `${s}\u0000${s}`),
  fc.string({ minLength: 1 }).map((s) => `\u001b${s}`),
  fc.constant('x'.repeat(40_000)),
);

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/x-www-form-urlencoded',
);

it('answers thousands of malformed bodies with 4xx only, stores nothing, and stays healthy', async () => {
  // A valid lead with one to four fields broken.
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.constantFrom(...leadFieldNames), { minLength: 1, maxLength: 4 }),
      fc.array(badValue, { minLength: 4, maxLength: 4 }),
      async (fields, values) => {
        const lead = validLead();
        fields.forEach((field, i) => (lead[field] = values[i]));
        return isClientError(await send(JSON.stringify(lead), 'application/json'));
      },
    ),
    { numRuns: 800 },
  );

  // Anything at all as JSON, and strings that are mostly not JSON.
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 200 }),
      ),
      contentTypes,
      async (body, type) => isClientError(await send(body, type)),
    ),
    { numRuns: 800 },
  );

  // Bytes that are not valid UTF-8 (or not text at all), under every accepted content type.
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 600 }), contentTypes, async (bytes, type) =>
      isClientError(await send(bytes, type)),
    ),
    { numRuns: 500 },
  );

  // A valid lead's JSON re-encoded as Latin-1 or UTF-16: the accented name arrives broken.
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('latin1', 'utf16le') as fc.Arbitrary<BufferEncoding>,
      async (encoding) => {
        const body = Buffer.from(
          JSON.stringify(validLead({ first_name: 'Zoë', last_name: 'Ångström' })),
          encoding,
        );
        return isClientError(await send(body, 'application/json'));
      },
    ),
    { numRuns: 20 },
  );

  expect(await intake.counts()).toEqual({ leads: 0, outbox: 0, keys: 0 });
  const health = await fetch(`${intake.base}/health/database`);
  expect(health.status).toBe(200);
  // The guard saw several kinds of refusal, not one blanket answer.
  expect(statuses.get(400)).toBeGreaterThan(100);
  // And a valid lead still goes through afterwards.
  expect((await intake.post(validLead())).status).toBe(201);
}, 180_000);
