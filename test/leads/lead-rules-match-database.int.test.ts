import { expect, it } from 'vitest';
import { leadFields, serviceUrgencies } from '../../src/leads/lead-rules.ts';
import { leadRowColumns } from '../../src/leads/lead-row.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();

async function constraint(name: string): Promise<string> {
  const { rows } = await database.pool.query<{ def: string }>(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = $1`,
    [name],
  );
  return rows[0]?.def ?? '';
}

it('the schema and the database CHECKs state the same rules', async () => {
  const urgency = await constraint('hermes_leads_service_urgency_check');
  const listed = [...urgency.matchAll(/'([^']+)'/g)].map((m) => m[1]);
  expect(listed.sort()).toEqual([...serviceUrgencies].sort());
  expect(await constraint('hermes_leads_problem_description_length')).toContain(
    `<= ${leadFields.problem_description.maxLength}`,
  );
  expect(await constraint('hermes_leads_terms_agreed')).toContain('agree_to_terms');
  expect(await constraint('hermes_leads_privacy_consented')).toContain('privacy_consent');
});

it('the one list of lead columns (lead-row.ts) is the columns of hermes_leads, but its internal id', async () => {
  const { rows } = await database.pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'hermes_leads' ORDER BY column_name`,
  );
  const table = rows.map((r) => r.column_name).filter((name) => name !== 'id');
  expect([...leadRowColumns].sort()).toEqual(table);
});
