import { describe, expect, it } from 'vitest';
import { generateLeadId, leadIdPattern } from '../../src/leads/lead-id.ts';
import { validateLead } from '../../src/leads/validate-lead.ts';
import { describeGot } from '../../src/leads/describe-got.ts';

const valid = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.com',
  country: 'GB',
  phone_number: '+44 20 7946 0958',
  problem_description: 'Ransomware on the file server since this morning.',
  service_urgency: 'emergency',
  agree_to_terms: true,
  privacy_consent: true,
};

describe('the lead schema', () => {
  it('normalises: trims, collapses spaces in names, lower-cases the email, names the country, E.164 phone', () => {
    const result = validateLead({
      ...valid,
      first_name: '  Ada\u00a0 Augusta ',
      email: ' ADA@Example.com',
      country: 'germany',
      phone_number: '030 901820',
      problem_description: '  Line one\nLine two\tand more  ',
    });
    expect(result).toEqual({
      ok: true,
      lead: expect.objectContaining({
        first_name: 'Ada Augusta',
        email: 'ada@example.com',
        country: 'Germany',
        phone_number: '+4930901820',
        problem_description: 'Line one\nLine two\tand more',
      }) as unknown,
    });
  });

  it('accepts every documented urgency, not-urgent included', () => {
    for (const urgency of ['emergency', 'urgent', 'soon', 'not-urgent']) {
      expect(validateLead({ ...valid, service_urgency: urgency }).ok).toBe(true);
    }
  });

  it('rejects control characters, also in the description (line breaks and tabs allowed there only)', () => {
    for (const [field, value] of [
      ['first_name', 'A\u0007da'],
      ['last_name', 'Love\nlace'],
      ['problem_description', 'Something \u001b[31m happened here'],
      ['problem_description', 'Broken \ufffd encoding in this text'],
      ['email', 'ada\u0000@example.com'],
    ] as const) {
      const result = validateLead({ ...valid, [field]: value });
      expect(result.ok ? [] : result.fields.map((f) => f.field)).toEqual([field]);
    }
  });

  it('rejects a lone surrogate (it could not be stored as sent) and keeps a real pair', () => {
    for (const [field, value] of [
      ['first_name', 'Ada\ud800'],
      ['last_name', '\udc00Lovelace'],
      ['problem_description', 'Half a pair \ud83d in the middle of this text'],
    ] as const) {
      const result = validateLead({ ...valid, [field]: value });
      expect(result.ok ? [] : result.fields.map((f) => f.field)).toEqual([field]);
    }
    const emoji = validateLead({
      ...valid,
      problem_description: 'The site shows \ud83d\udd12 and a ransom note.',
    });
    expect(emoji.ok).toBe(true);
  });

  it('rejects names and descriptions made invisible or disguised with format characters', () => {
    for (const [field, value] of [
      ['first_name', '\u200b\u200b'],
      ['first_name', 'Ada\u202egnp.exe'],
      ['last_name', '\u3164'],
      ['last_name', '\u115f\u1160'],
      ['last_name', 'Love\u2066lace'],
      ['first_name', '\u00ad'],
      ['first_name', '\ufeffAda'],
      ['first_name', '...'],
      ['problem_description', '\u3164'.repeat(12)],
      ['problem_description', 'Our alarm \u202eis broken again'],
    ] as const) {
      const result = validateLead({ ...valid, [field]: value });
      expect(
        result.ok ? [] : result.fields.map((f) => f.field),
        `${field}: ${JSON.stringify(value)}`,
      ).toEqual([field]);
    }
  });

  it('keeps names in every script, the joiners Persian and Indic names need, and emoji in a description', () => {
    for (const [field, value] of [
      ['first_name', 'Zoë'],
      ['first_name', 'می\u200cخواهم'],
      ['last_name', '김'],
      ['last_name', 'O\u2019Brien-Smith'],
      ['first_name', 'क्\u200dष'],
      ['problem_description', 'Family 👨\u200d👩\u200d👧 locked out of the alarm app'],
    ] as const) {
      expect(validateLead({ ...valid, [field]: value }).ok, `${field}: ${JSON.stringify(value)}`).toBe(true);
    }
  });

  it('accepts only phone numbers valid for their country, not merely of a possible length', () => {
    for (const phone of ['0000000', '+44 7700 900123', '+1 555 000 0000']) {
      const result = validateLead({ ...valid, phone_number: phone });
      expect(result.ok ? [] : result.fields.map((f) => f.field), phone).toEqual(['phone_number']);
    }
    for (const [phone, country] of [
      ['+44 20 7946 0958', 'GB'],
      ['020 7946 0958', 'GB'],
      ['+1 202 555 0143', 'US'],
      ['+33 6 12 34 56 78', 'GB'],
    ] as const) {
      expect(validateLead({ ...valid, phone_number: phone, country }).ok, phone).toBe(true);
    }
  });

  it('requires both consents to be true', () => {
    const result = validateLead({ ...valid, agree_to_terms: 'false', privacy_consent: undefined });
    expect(result.ok ? [] : result.fields.map((f) => [f.field, f.got])).toEqual([
      ['agree_to_terms', '"false"'],
      ['privacy_consent', 'nothing'],
    ]);
  });

  it('limits the description to 5000 characters', () => {
    expect(validateLead({ ...valid, problem_description: 'x'.repeat(5000) }).ok).toBe(true);
    expect(validateLead({ ...valid, problem_description: 'x'.repeat(5001) }).ok).toBe(false);
  });
});

describe('lead ids and excerpts', () => {
  it('are readable and dated: HS-<UTC date>-<6 characters of Crockford base 32>', () => {
    // 23:30 in New York is the next day in UTC: the date is UTC's.
    const id = generateLeadId(new Date('2026-11-24T23:30:00-05:00'));
    expect(id).toMatch(/^HS-20261125-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(id).toMatch(leadIdPattern);
    expect(id).toHaveLength('HS-20261125-'.length + 6);
  });

  it('draw each of the six characters over all 32 symbols', () => {
    // That they come from crypto.randomInt: lead-id-csprng.int.test.ts.
    // Every symbol turns up in every position over 2,000 ids (a miss: p < 1e-25), and no I, L, O, U.
    const ids = Array.from({ length: 2000 }, () => generateLeadId(new Date('2026-11-24T10:00:00Z')));
    for (let position = 0; position < 6; position++) {
      const seen = new Set(ids.map((one) => one.charAt('HS-20261124-'.length + position)));
      expect([...seen].sort().join(''), `position ${position}`).toBe('0123456789ABCDEFGHJKMNPQRSTVWXYZ');
    }
  });

  it('describes what was sent in a short, escaped excerpt', () => {
    expect(describeGot(undefined)).toBe('nothing');
    expect(describeGot('')).toBe('an empty string');
    expect(describeGot('a\u0000b')).toBe('"a\\u0000b"');
    expect(describeGot('é'.repeat(30))).toBe(`"${'é'.repeat(24)}"... (30 characters)`);
    expect(describeGot({ a: 1 })).toBe('a JSON object');
    expect(describeGot([1, 2])).toBe('a list of 2');
  });
});
