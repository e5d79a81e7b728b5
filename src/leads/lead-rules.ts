import { getCountries } from 'libphonenumber-js';
import { z } from 'zod';
import type { leadFormFieldNames } from '../config/sections/form-field-names.ts';

/**
 * The rules of a lead, as plain data: the zod schema (lead-schema.ts) is built from them, the form
 * page serialises them for its client-side checks, and a test holds them to the database's CHECKs.
 */
export const serviceUrgencies = ['emergency', 'urgent', 'soon', 'not-urgent'] as const;
export type ServiceUrgency = (typeof serviceUrgencies)[number];

export const urgencyLabels: Readonly<Record<ServiceUrgency, string>> = {
  emergency: 'Emergency: we are under attack now',
  urgent: 'Urgent: within 24 hours',
  soon: 'Soon: this week',
  'not-urgent': 'Not urgent',
};

// With fallback 'code' (the default, spelt out) of() answers a region it cannot name with the code
// itself, never undefined (ECMA-402, Intl.DisplayNames.prototype.of).
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** ISO 3166-1 alpha-2 codes with their English names, sorted by name. */
export const countries: readonly { code: string; name: string }[] = getCountries()
  .map((code) => ({ code, name: regionNames.of(code) as string }))
  .sort((a, b) => a.name.localeCompare(b.name, 'en'));

export type FieldKind = 'text' | 'email' | 'country' | 'tel' | 'textarea' | 'urgency' | 'consent';

export interface FieldRule {
  readonly label: string;
  readonly kind: FieldKind;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** A JavaScript regular expression source the (trimmed) value must match. */
  readonly pattern?: string;
  /** What the field expects, in words: the `expected` of a 400 answer and the form's error text. */
  readonly expected: string;
}

// Control characters (C0 and C1) are never part of a lead; the description may keep line breaks and tabs.
export const controlCharacters = '[\\u0000-\\u001f\\u007f-\\u009f\\ufffd]';
export const controlCharactersExceptLineBreaks =
  '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ufffd]';
// Invisible format characters (Unicode Cf: bidirectional overrides, zero-width spaces, soft hyphens,
// tags) can disguise a name ("Ada\u202egnp.exe") or make one of nothing. The joiners ZWNJ and ZWJ
// stay: Persian and Indic names, and emoji in a description, need them.
export const formatCharacters = '(?![\\u200c\\u200d])\\p{Cf}';
// Something a person can see: a letter (names) or a letter or digit (the description) that is not a
// default-ignorable code point such as the Hangul fillers, which are letters that render as nothing.
export const visibleLetter = '(?!\\p{Default_Ignorable_Code_Point})\\p{L}';
export const visibleLetterOrDigit = '(?!\\p{Default_Ignorable_Code_Point})[\\p{L}\\p{N}]';

export const leadFields = {
  first_name: {
    label: 'First name',
    kind: 'text',
    minLength: 1,
    maxLength: 100,
    expected:
      'a name of 1 to 100 characters with at least one letter, without control or invisible characters',
  },
  last_name: {
    label: 'Last name',
    kind: 'text',
    minLength: 1,
    maxLength: 100,
    expected:
      'a name of 1 to 100 characters with at least one letter, without control or invisible characters',
  },
  email: {
    label: 'Email',
    kind: 'email',
    maxLength: 254,
    pattern: z.regexes.email.source,
    expected: 'an email address such as name@example.com (at most 254 characters)',
  },
  country: {
    label: 'Country',
    kind: 'country',
    expected: 'a country: its ISO 3166-1 code (GB) or English name (United Kingdom)',
  },
  phone_number: {
    label: 'Phone number',
    kind: 'tel',
    maxLength: 32,
    pattern: '^\\+?[0-9][0-9 ().\\-]{4,30}$',
    expected: 'a phone number valid for the country, e.g. +44 20 7946 0958',
  },
  problem_description: {
    label: 'How can we help?',
    kind: 'textarea',
    minLength: 10,
    maxLength: 5000,
    expected:
      'a description of 10 to 5000 characters with visible text, without control or invisible characters',
  },
  service_urgency: {
    label: 'Urgency',
    kind: 'urgency',
    expected: `one of ${serviceUrgencies.join(', ')}`,
  },
  agree_to_terms: {
    label: 'I agree to the terms of service',
    kind: 'consent',
    expected: 'true (the terms must be accepted)',
  },
  privacy_consent: {
    label: 'I consent to the processing of my data as described in the privacy policy',
    kind: 'consent',
    expected: 'true (consent to the privacy policy is required)',
  },
  // The names config reserves for the form (config may not import leads): a field added here or
  // there without the other is a type error.
} as const satisfies Record<(typeof leadFormFieldNames)[number], FieldRule>;

export type LeadField = keyof typeof leadFields;
export const leadFieldNames = Object.keys(leadFields) as LeadField[];

/** What the form page's script needs to check a submission the way the server will. */
export function clientRules(): unknown {
  return {
    fields: leadFields,
    urgencies: serviceUrgencies,
    countries: countries.map((c) => c.code),
    controlCharacters,
    controlCharactersExceptLineBreaks,
    formatCharacters,
    visibleLetter,
    visibleLetterOrDigit,
  };
}
