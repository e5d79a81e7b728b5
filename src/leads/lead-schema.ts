import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import {
  controlCharacters,
  controlCharactersExceptLineBreaks,
  countries,
  formatCharacters,
  leadFields,
  serviceUrgencies,
  visibleLetter,
  visibleLetterOrDigit,
  type FieldRule,
} from './lead-rules.ts';

// eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
const hasControl = new RegExp(controlCharacters, 'u');
// eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
const hasControlExceptLineBreaks = new RegExp(controlCharactersExceptLineBreaks, 'u');
// eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
const hasFormat = new RegExp(formatCharacters, 'u');
// eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
const hasVisibleLetter = new RegExp(visibleLetter, 'u');
// eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
const hasVisibleLetterOrDigit = new RegExp(visibleLetterOrDigit, 'u');
const codeByName = new Map(countries.map((c) => [c.name.toLowerCase(), c.code]));
const nameByCode = new Map(countries.map((c) => [c.code, c.name]));

/** A country's ISO code from its code or English name, any case. */
export function resolveCountry(value: string): CountryCode | undefined {
  const key = value.trim();
  const upper = key.toUpperCase();
  const code = nameByCode.has(upper) ? upper : codeByName.get(key.toLowerCase());
  return code as CountryCode | undefined;
}

/** The E.164 form of a phone number, or undefined when it cannot be a number of that country. */
export function toE164(phone: string, country: CountryCode | undefined): string | undefined {
  const parsed = parsePhoneNumberFromString(phone.trim(), country ? { defaultCountry: country } : undefined);
  // isValid, not isPossible: 0000000 has a possible length but is no number anyone can call.
  return parsed?.isValid() ? parsed.number : undefined;
}

// A lone surrogate (half of a UTF-16 pair; with the u flag a whole pair is one code point, not Cs)
// cannot be stored as it was sent: refused, not altered. (String#isWellFormed is not in this lib target.)
const loneSurrogate = /\p{Cs}/u;

const normalised = (allowLineBreaks: boolean) =>
  z
    .string()
    .refine((v) => !loneSurrogate.test(v))
    .refine((v) => !(allowLineBreaks ? hasControlExceptLineBreaks : hasControl).test(v))
    .refine((v) => !hasFormat.test(v))
    .transform((v) => v.normalize('NFC').trim());

/** A name (`visible`: a letter) or the description (line breaks kept; `visible`: a letter or digit). */
function textField(
  rule: FieldRule & { readonly minLength: number; readonly maxLength: number },
  allowLineBreaks = false,
) {
  const visible = allowLineBreaks ? hasVisibleLetterOrDigit : hasVisibleLetter;
  return normalised(allowLineBreaks)
    .transform((v) => (allowLineBreaks ? v : v.replace(/\s+/gu, ' ')))
    .pipe(z.string().min(rule.minLength).max(rule.maxLength).regex(visible));
}

const accepted = z
  .union([z.literal(true), z.enum(['true', 'on', 'yes', '1'])])
  .transform(() => true as const);

/**
 * The one definition of a lead. Input: JSON or form fields (checkboxes as "on"); output: trimmed,
 * NFC-normalised values, the email lower-cased, the country's English name, the phone in E.164.
 */
export const leadSchema = z
  .strictObject({
    first_name: textField(leadFields.first_name),
    last_name: textField(leadFields.last_name),
    email: normalised(false)
      .transform((v) => v.toLowerCase())
      // eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
      .pipe(z.string().max(leadFields.email.maxLength).regex(new RegExp(leadFields.email.pattern))),
    country: normalised(false).refine((v) => resolveCountry(v) !== undefined),
    phone_number: normalised(false).pipe(
      // eslint-disable-next-line security/detect-non-literal-regexp -- the patterns are the lead rules' own constants, never input
      z.string().max(leadFields.phone_number.maxLength).regex(new RegExp(leadFields.phone_number.pattern)),
    ),
    problem_description: textField(leadFields.problem_description, true),
    service_urgency: normalised(false).pipe(z.enum(serviceUrgencies)),
    agree_to_terms: accepted,
    privacy_consent: accepted,
  })
  // The phone is checked against the country; `when` makes it run even when other fields failed, so a 400 names every field.
  .refine(
    (value: Partial<Record<string, unknown>> | null) => {
      // `when` runs this even for a body that is not an object (null included): the object check names it.
      if (typeof value !== 'object' || value === null || typeof value.phone_number !== 'string') return true;
      const country = typeof value.country === 'string' ? resolveCountry(value.country) : undefined;
      return toE164(value.phone_number, country) !== undefined;
    },
    {
      path: ['phone_number'],
      when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === 'phone_number'),
    },
  )
  .transform((lead) => {
    const code = resolveCountry(lead.country) as CountryCode;
    return {
      ...lead,
      // resolveCountry answers only codes of `countries`, each of which nameByCode names.
      country: nameByCode.get(code) as string,
      phone_number: toE164(lead.phone_number, code) as string,
    };
  });

export type LeadSubmission = z.input<typeof leadSchema>;
export type ValidLead = z.output<typeof leadSchema>;
