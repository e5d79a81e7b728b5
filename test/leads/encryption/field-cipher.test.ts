import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasCode } from '../../../src/errors/hermes-error.ts';
import {
  decryptValue,
  encryptValue,
  isEncrypted,
  keyIdOf,
  keyRing,
} from '../../../src/leads/encryption/field-cipher.ts';
import {
  decryptLeadField,
  decryptLeadRow,
  encryptLeadField,
} from '../../../src/leads/encryption/lead-fields.ts';

const keyA = { id: 'a', key: randomBytes(32) };
const keyB = { id: 'b', key: randomBytes(32) };
const ringA = keyRing([keyA]);
const aad = 'hermes_leads.problem_description:HS-20261204-AAAAAA';

function undecryptable(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(hasCode(error, 'data_undecryptable')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected data_undecryptable');
}

describe('the field cipher (AES-256-GCM)', () => {
  it('round-trips text, with a fresh IV each time and the key id in the value', () => {
    const text = 'Our shop was defaced — ünïcödé and emoji 🛡️';
    const one = encryptValue(keyA, aad, text);
    const two = encryptValue(keyA, aad, text);
    expect(one).toMatch(/^hermes:enc:v1:a:[A-Za-z0-9_-]+$/);
    expect(one).not.toBe(two);
    expect(one).not.toContain('defaced');
    expect(isEncrypted(one)).toBe(true);
    expect(keyIdOf(one)).toBe('a');
    expect(decryptValue(ringA, aad, one)).toBe(text);
    expect(decryptValue(ringA, aad, two)).toBe(text);
  });

  it('decrypts with any key of the ring and encrypts with the first', () => {
    const ring = keyRing([keyB, keyA]);
    const underA = encryptValue(keyA, aad, 'old');
    expect(decryptValue(ring, aad, underA)).toBe('old');
    expect(keyIdOf(encryptLeadField(ring, 'phone_number', 'HS-1', '+44'))).toBe('b');
  });

  it('passes plaintext (values written before encryption) and empty values through', () => {
    expect(decryptValue(ringA, aad, 'written before encryption')).toBe('written before encryption');
    expect(decryptValue(ringA, aad, '')).toBe('');
    expect(isEncrypted('written before encryption')).toBe(false);
    expect(keyIdOf('plain')).toBeUndefined();
    expect(encryptLeadField(ringA, 'phone_number', 'HS-1', '')).toBe('');
  });

  it('refuses a value under a key it does not hold, naming the key id and never the value', () => {
    const underB = encryptValue(keyB, aad, 'secret text');
    const message = undecryptable(() => decryptValue(ringA, aad, underB, 'lead HS-1 problem_description'));
    expect(message).toContain('key "b"');
    expect(message).toContain('HERMES_DATA_KEY');
    expect(message).toContain('lead HS-1 problem_description');
    expect(message).not.toContain('secret text');
  });

  it('refuses a key with the right id but other bytes', () => {
    const value = encryptValue(keyA, aad, 'x');
    const impostor = keyRing([{ id: 'a', key: randomBytes(32) }]);
    expect(undecryptable(() => decryptValue(impostor, aad, value))).toContain('fails authentication');
  });

  it('refuses a tampered value', () => {
    const value = encryptValue(keyA, aad, 'pay the ransom to account 1');
    const body = Buffer.from(value.slice('hermes:enc:v1:a:'.length), 'base64url');
    body[14] = (body[14] ?? 0) ^ 0x01;
    const tampered = `hermes:enc:v1:a:${body.toString('base64url')}`;
    expect(undecryptable(() => decryptValue(ringA, aad, tampered))).toContain('fails authentication');
    expect(undecryptable(() => decryptValue(ringA, aad, 'hermes:enc:v1:a:AAAA'))).toContain('too short');
    expect(undecryptable(() => decryptValue(ringA, aad, 'hermes:enc:v1:a:not base64!'))).toContain(
      'malformed',
    );
  });

  it('refuses a value moved to another column or another lead', () => {
    const phone = encryptLeadField(ringA, 'phone_number', 'HS-1', '+447700900000');
    expect(decryptLeadField(ringA, 'phone_number', 'HS-1', phone)).toBe('+447700900000');
    undecryptable(() => decryptLeadField(ringA, 'problem_description', 'HS-1', phone));
    undecryptable(() => decryptLeadField(ringA, 'phone_number', 'HS-2', phone));
  });

  it('decrypts a row, leaving its other columns as they are', () => {
    const row = {
      lead_id: 'HS-9',
      email: 'a@example.com',
      phone_number: encryptLeadField(ringA, 'phone_number', 'HS-9', '+1'),
      problem_description: 'legacy plaintext',
    };
    expect(decryptLeadRow(ringA, row)).toEqual({ ...row, phone_number: '+1' });
  });
});
