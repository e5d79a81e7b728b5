import { expect, it } from 'vitest';
import { leadFields, serviceUrgencies } from '../../src/leads/lead-rules.ts';
import { leadRowColumns } from '../../src/leads/lead-row.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();

/** Every CHECK on hermes_leads that reads a field of the form, by name, as PostgreSQL states it. */
async function fieldChecks(): Promise<Record<string, string>> {
  const { rows } = await database.pool.query<{ name: string; def: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE conrelid = 'hermes_leads'::regclass AND contype = 'c' ORDER BY conname`,
  );
  const fields = new Set(Object.keys(leadFields));
  const readsField = (def: string) => (def.match(/\w+/g) ?? []).some((word) => fields.has(word));
  return Object.fromEntries(rows.filter((r) => readsField(r.def)).map((r) => [r.name, r.def]));
}

// The rules the database does not repeat, each with why; any other rule must have its CHECK below.
const schemaOnly: Record<string, string> = {
  'first_name.minLength': 'NOT NULL and the letter rule are the schema’s; an empty name is never stored',
  'first_name.maxLength': 'the schema’s alone',
  'last_name.minLength': 'as first_name',
  'last_name.maxLength': 'as first_name',
  'email.maxLength': 'the schema’s alone (the stored address is the normalised one)',
  'email.pattern': 'a regular expression of JavaScript, not of PostgreSQL',
  'phone_number.maxLength': 'the raw input’s; the stored number is E.164',
  'phone_number.pattern': 'the raw input’s; the stored number is E.164',
  'problem_description.minLength': 'the schema’s alone',
};

it('the schema and the database CHECKs state the same rules, every one of them', async () => {
  const urgencies = serviceUrgencies.map((u) => `'${u}'::text`).join(', ');
  const description = leadFields.problem_description.maxLength;
  // Exactly the definitions the rules imply: a rule changed on one side only fails here.
  expect(await fieldChecks()).toEqual({
    hermes_leads_service_urgency_check: `CHECK ((service_urgency = ANY (ARRAY[${urgencies}])))`,
    // The plaintext's bound, or an encrypted value's (migration 0043: the description is stored encrypted).
    hermes_leads_problem_description_length: `CHECK (((length(problem_description) <= ${description}) OR ((problem_description ~~ 'hermes:enc:v1:%'::text) AND (length(problem_description) <= 30000))))`,
    hermes_leads_terms_agreed: 'CHECK (agree_to_terms)',
    hermes_leads_privacy_consented: 'CHECK (privacy_consent)',
  });
  // Every length or pattern the rules declare is either checked above or listed as the schema's.
  const mirrored = ['problem_description.maxLength'];
  const declared = Object.entries(leadFields).flatMap(([field, rule]) =>
    ['minLength', 'maxLength', 'pattern'].filter((key) => key in rule).map((key) => `${field}.${key}`),
  );
  expect(declared.sort()).toEqual([...mirrored, ...Object.keys(schemaOnly)].sort());
  // The two consents and the urgency are the consent and urgency kinds, checked above.
  const kinds = Object.entries(leadFields)
    .filter(([, rule]) => rule.kind === 'consent' || rule.kind === 'urgency')
    .map(([field]) => field);
  expect(kinds.sort()).toEqual(['agree_to_terms', 'privacy_consent', 'service_urgency']);
});

it('the one list of lead columns (lead-row.ts) is the columns of hermes_leads, but its internal id', async () => {
  const { rows } = await database.pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'hermes_leads' ORDER BY column_name`,
  );
  const table = rows.map((r) => r.column_name).filter((name) => name !== 'id');
  expect([...leadRowColumns].sort()).toEqual(table);
});
