import { createHash, timingSafeEqual } from 'node:crypto';

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * API keys (the admin API's, the intake's), kept only as SHA-256 digests. A presented key is
 * hashed and compared with every digest in constant time, so neither timing nor memory gives a
 * key away.
 */
export class ApiKeys {
  readonly #digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.#digests = keys.map(digest);
  }

  /** No key configured. */
  get none(): boolean {
    return this.#digests.length === 0;
  }

  /** The matching key's fingerprint (for the audit trail), or undefined. */
  match(presented: string): string | undefined {
    const candidate = digest(presented);
    let found: Buffer | undefined;
    for (const known of this.#digests) {
      if (timingSafeEqual(candidate, known)) found = known;
    }
    return found && `key:${found.toString('hex').slice(0, 12)}`;
  }
}

const bearer = /^Bearer ([\x21-\x7e]{1,512})$/;

/** The key of an `Authorization: Bearer <key>` header, or undefined (absent, another scheme, malformed). */
export function bearerKey(authorization: string | undefined): string | undefined {
  return bearer.exec(authorization ?? '')?.[1];
}
