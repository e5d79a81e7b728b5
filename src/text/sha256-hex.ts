import { createHash } from 'node:crypto';

/** The hex sha256 of a string (UTF-8) or bytes: how Hermes names content it compares. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
