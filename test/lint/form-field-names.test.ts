import { describe, expect, it } from 'vitest';
import { envelopeFieldNames, leadFormFieldNames } from '../../src/config/sections/form-field-names.ts';
import { leadFieldNames } from '../../src/leads/lead-rules.ts';

// Config may not import src/leads (DESIGN.md's layering), so it names the form's fields itself; the
// lead rules are typed against that list (a missing or extra field fails to compile), and
// this holds their order too.
describe('the form field names config reserves', () => {
  it('are the lead fields, in their order', () => {
    expect([...leadFormFieldNames]).toEqual(leadFieldNames);
  });

  it('and the envelope fields, none of them a lead field', () => {
    expect(envelopeFieldNames.filter((name) => (leadFieldNames as string[]).includes(name))).toEqual([]);
  });
});
