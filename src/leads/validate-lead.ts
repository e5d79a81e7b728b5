import { describeGot } from './describe-got.ts';
import { leadFieldNames, leadFields, type LeadField } from './lead-rules.ts';
import { leadSchema, type ValidLead } from './lead-schema.ts';

export interface FieldError {
  readonly field: string;
  readonly expected: string;
  readonly got: string;
}

export type LeadValidation = { ok: true; lead: ValidLead } | { ok: false; fields: FieldError[] };

function isLeadField(name: unknown): name is LeadField {
  return typeof name === 'string' && Object.hasOwn(leadFields, name);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks a submission against the lead schema; on failure, every field at fault, each once. */
export function validateLead(body: unknown): LeadValidation {
  if (!isRecord(body)) {
    return {
      ok: false,
      fields: [{ field: '(body)', expected: 'a JSON object or form fields', got: describeGot(body) }],
    };
  }
  const result = leadSchema.safeParse(body);
  if (result.success) return { ok: true, lead: result.data };

  const byField = new Map<string, FieldError>();
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = describeGot(key).replace(/^"|"$/g, '');
        byField.set(field, {
          field,
          expected: `no such field (the fields are ${leadFieldNames.join(', ')})`,
          got: describeGot(body[key]),
        });
      }
      continue;
    }
    const name = issue.path[0];
    if (!isLeadField(name) || byField.has(name)) continue;
    byField.set(name, { field: name, expected: leadFields[name].expected, got: describeGot(body[name]) });
  }
  // Report in the form's order, unknown fields last.
  const order = (field: string) => {
    const index = leadFieldNames.indexOf(field as LeadField);
    return index === -1 ? leadFieldNames.length : index;
  };
  return { ok: false, fields: [...byField.values()].sort((a, b) => order(a.field) - order(b.field)) };
}
