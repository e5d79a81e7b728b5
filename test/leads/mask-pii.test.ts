import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone, maskPii } from '../../src/observability/mask-pii.ts';
import { AdminKeys } from '../../src/intake/admin-keys.ts';

describe('PII masking', () => {
  it('masks emails and phone numbers wherever they are in a string', () => {
    expect(maskEmail('ada@example.com')).toBe('a***@example.com');
    expect(maskPhone('+442079460958')).toBe('+44********58');
    const masked = maskPii(
      'Unexpected token in "ada@example.com" near +44 20 7946 0958 or (020) 7946-0958, 07700900123',
    );
    expect(masked).not.toMatch(/ada@|7946|900123/);
  });

  it('leaves ids, dates, UUIDs, versions and lead references alone', () => {
    for (const text of [
      '2026-11-24T10:00:00.000Z',
      '16234585-20ea-4fc5-8ca9-fc91e1d67bdc',
      'HS-20261124-7KQ2M9',
      'version 0.1.0',
      'status 201 in 12.5 ms',
    ]) {
      expect(maskPii(text)).toBe(text);
    }
  });
});

// Form tokens: test/intake/form-token.test.ts.

describe('admin keys', () => {
  it('match by digest and name the key by a fingerprint, never the key', () => {
    const keys = new AdminKeys(['first-key-0123456789', 'second-key-0123456789']);
    const fingerprint = keys.match('second-key-0123456789');
    expect(fingerprint).toMatch(/^key:[0-9a-f]{12}$/);
    expect(fingerprint).not.toContain('second');
    expect(keys.match('second-key-012345678')).toBeUndefined();
    expect(new AdminKeys([]).match('')).toBeUndefined();
  });
});
