import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { HermesError } from '../../errors/hermes-error.ts';
import type { DataKey } from '../../config/sections/data-protection.ts';

/**
 * A value encrypted at rest: `hermes:enc:v1:<keyId>:<base64url(iv | ciphertext | tag)>`, text in
 * the value's own column. AES-256-GCM (node:crypto), a random 12-byte IV per value, the 16-byte
 * tag checked; the additional authenticated data names the column and the row, so that a value
 * moved to another column or lead fails to decrypt.
 */
export const encryptedPrefix = 'hermes:enc:v1:';

const ivBytes = 12;
const tagBytes = 16;
const shape = /^hermes:enc:v1:([A-Za-z0-9-]{1,32}):([A-Za-z0-9_-]+)$/;

/** The keys Hermes holds: `current` encrypts; every key in `byId` (current included) decrypts. */
export interface DataKeyRing {
  readonly current: DataKey;
  readonly byId: ReadonlyMap<string, DataKey>;
}

export function keyRing(keys: readonly DataKey[]): DataKeyRing {
  const [current] = keys;
  if (current === undefined) throw new HermesError('invalid_argument', 'a key ring needs at least one key');
  return { current, byId: new Map(keys.map((key) => [key.id, key])) };
}

/** True for a value in the encrypted format (whatever its key); plaintext and '' are not. */
export function isEncrypted(stored: string): boolean {
  return shape.test(stored);
}

/** The key id an encrypted value names; undefined for plaintext. */
export function keyIdOf(stored: string): string | undefined {
  return shape.exec(stored)?.[1];
}

export function encryptValue(key: DataKey, aad: string, plaintext: string): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]);
  return `${encryptedPrefix}${key.id}:${sealed.toString('base64url')}`;
}

/**
 * The plaintext of a stored value: an encrypted one decrypted with the key it names (its tag and
 * `aad` checked), anything else (a value written before encryption, or '') as it is. A value
 * under a key not in the ring, or altered, or moved, throws `data_undecryptable` naming `where`
 * and the key id, never the value.
 */
export function decryptValue(ring: DataKeyRing, aad: string, stored: string, where = aad): string {
  const match = shape.exec(stored);
  if (!match) {
    if (stored.startsWith(encryptedPrefix))
      throw new HermesError('data_undecryptable', `${where}: the encrypted value is malformed`);
    return stored;
  }
  const [, keyId = '', encoded = ''] = match;
  const key = ring.byId.get(keyId);
  if (!key)
    throw new HermesError(
      'data_undecryptable',
      `${where}: encrypted under key "${keyId}", which is not configured (HERMES_DATA_KEY or dataProtection.keys)`,
    );
  const sealed = Buffer.from(encoded, 'base64url');
  if (sealed.length < ivBytes + tagBytes)
    throw new HermesError('data_undecryptable', `${where}: the encrypted value is too short`);
  const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.subarray(0, ivBytes), {
    authTagLength: tagBytes,
  });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
  try {
    const body = sealed.subarray(ivBytes, sealed.length - tagBytes);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new HermesError(
      'data_undecryptable',
      `${where}: the value under key "${keyId}" fails authentication (altered, moved to another row or column, or a different key with that id)`,
      { cause: error },
    );
  }
}
