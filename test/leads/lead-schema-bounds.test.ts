import { describe, expect, it } from 'vitest';
import { countries, leadFields } from '../../src/leads/lead-rules.ts';
import { leadSchema } from '../../src/leads/lead-schema.ts';
import { validLead } from '../intake/support/valid-lead.ts';

describe('the country list', () => {
  it('names every country in English, never by its bare code', () => {
    expect(countries.length).toBeGreaterThan(200);
    expect(countries.filter((c) => c.name === c.code || c.name.length < 3)).toEqual([]);
    expect(countries.find((c) => c.code === 'GB')?.name).toBe('United Kingdom');
    expect(countries.find((c) => c.code === 'XK')?.name).toBe('Kosovo');
  });
});

describe('the lead schema at its bounds', () => {
  it.each([
    ['first_name', leadFields.first_name.minLength, leadFields.first_name.maxLength],
    ['last_name', leadFields.last_name.minLength, leadFields.last_name.maxLength],
    [
      'problem_description',
      leadFields.problem_description.minLength,
      leadFields.problem_description.maxLength,
    ],
  ] as const)('%s: %i to %i characters, no fewer, no more', (field, min, max) => {
    const ok = (length: number) => leadSchema.safeParse(validLead({ [field]: 'a'.repeat(length) })).success;
    expect([ok(min - 1), ok(min), ok(max), ok(max + 1)]).toEqual([false, true, true, false]);
  });

  it('refuses a body that is no object with one issue at the root (the phone check does not run on nothing)', () => {
    for (const input of ['a string', 42, [], null, undefined]) {
      const result = leadSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => [i.path, i.code])).toEqual([[[], 'invalid_type']]);
    }
  });

  it('names the country of a code given in any case, or of its English name', () => {
    for (const country of ['gb', 'GB', ' united kingdom ']) {
      const result = leadSchema.safeParse(validLead({ country }));
      expect(result.data?.country).toBe('United Kingdom');
    }
  });
});
