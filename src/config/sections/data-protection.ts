import { createHash } from 'node:crypto';
import { z } from 'zod';

/** A key's id: what each stored value names, so that keys can rotate. `dev` is the development key's. */
export const dataKeyIdPattern = /^[A-Za-z0-9-]{1,32}$/;

/** The id of the published development key, used outside production when no key is configured. */
export const developmentKeyId = 'dev';

/**
 * The development key: published (derived from this text), so a value under it is as good as
 * plaintext. Outside production it lets Hermes run with nothing configured; production refuses it.
 */
export const developmentKeyBytes: Buffer = createHash('sha256')
  .update('hermes development data key: published, never for production')
  .digest();

export const dataKeyBytes = 32;

export interface DataKey {
  readonly id: string;
  readonly key: Buffer;
}

const expected = '<id>:<base64 of 32 random bytes>, e.g. `k1:$(openssl rand -base64 32)`';

/**
 * One configured key, `<id>:<base64 of 32 bytes>`, or what is wrong with it, in words that never
 * show the key material (which key, what it is, what was expected).
 */
export function parseDataKey(entry: string): DataKey | string {
  const colon = entry.indexOf(':');
  if (colon < 0) return `a value without a colon: expected ${expected}`;
  const id = entry.slice(0, colon).trim();
  const material = entry.slice(colon + 1).trim();
  if (!dataKeyIdPattern.test(id))
    return `key id ${JSON.stringify(id.slice(0, 40))} is not 1 to 32 letters, digits or -: expected ${expected}`;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(material))
    return `key ${JSON.stringify(id)} is not base64 after its id: expected ${expected}`;
  const key = Buffer.from(
    material,
    material.includes('-') || material.includes('_') ? 'base64url' : 'base64',
  );
  if (key.length !== dataKeyBytes)
    return `key ${JSON.stringify(id)} decodes to ${key.length} bytes: expected ${expected}`;
  if (id === developmentKeyId && !key.equals(developmentKeyBytes))
    return `key ${JSON.stringify(id)}: the id ${developmentKeyId} is reserved for the published development key; choose another id`;
  return { id, key };
}

/** The problems of a list of configured keys: each entry's, and ids given twice. */
export function dataKeyProblems(entries: readonly string[]): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const parsed = parseDataKey(entry);
    if (typeof parsed === 'string') problems.push({ index, message: parsed });
    else if (seen.has(parsed.id))
      problems.push({ index, message: `key ${JSON.stringify(parsed.id)}: the id is given twice` });
    else seen.add(parsed.id);
  });
  return problems;
}

/**
 * Encryption at rest of the lead fields no query searches (phone_number, problem_description).
 * `keys` (env HERMES_DATA_KEY, comma-separated): the first encrypts, every one decrypts. Empty:
 * the development key outside production (with a warning); production refuses to start.
 */
export const dataProtectionSection = z
  .strictObject({
    keys: z
      .array(z.string())
      .default([])
      .superRefine((entries, ctx) => {
        for (const { index, message } of dataKeyProblems(entries))
          ctx.addIssue({ code: 'custom', message, path: [index], input: entries[index] });
      }),
  })
  .prefault({});
