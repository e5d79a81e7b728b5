import type { DataKeyRing } from './field-cipher.ts';
import { decryptValue, encryptValue } from './field-cipher.ts';

/** The hermes_leads columns encrypted at rest: free text and contact data no query searches. */
export const encryptedLeadColumns = ['phone_number', 'problem_description'] as const;

export type EncryptedLeadColumn = (typeof encryptedLeadColumns)[number];

/** The additional authenticated data of a lead's value: its table, column and lead_id. */
export function leadFieldAad(column: EncryptedLeadColumn, leadId: string): string {
  return `hermes_leads.${column}:${leadId}`;
}

/** A value as stored: '' (not given, or erased) stays ''; anything else encrypted under the current key. */
export function encryptLeadField(
  ring: DataKeyRing,
  column: EncryptedLeadColumn,
  leadId: string,
  plaintext: string,
): string {
  return plaintext === '' ? '' : encryptValue(ring.current, leadFieldAad(column, leadId), plaintext);
}

/** A stored value's plaintext (plaintext written before encryption passes through). */
export function decryptLeadField(
  ring: DataKeyRing,
  column: EncryptedLeadColumn,
  leadId: string,
  stored: string,
): string {
  return decryptValue(ring, leadFieldAad(column, leadId), stored, `lead ${leadId} ${column}`);
}

/** A row with its encrypted columns decrypted; every other column as it was. */
export function decryptLeadRow<T extends { readonly lead_id: string } & Record<EncryptedLeadColumn, string>>(
  ring: DataKeyRing,
  row: T,
): T {
  return {
    ...row,
    phone_number: decryptLeadField(ring, 'phone_number', row.lead_id, row.phone_number),
    problem_description: decryptLeadField(ring, 'problem_description', row.lead_id, row.problem_description),
  };
}
