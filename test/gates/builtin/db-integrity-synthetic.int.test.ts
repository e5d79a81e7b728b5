import { describe, expect, it } from 'vitest';
import { integrityGate } from '../../../src/gates/builtin/db/integrity.ts';
import { validateDataGate } from '../../../src/gates/builtin/db/validate-data.ts';
import type { Gate } from '../../../src/gates/gate.ts';
import { syntheticSource } from '../../../src/leads/synthetic-source.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';
import { insertLead } from './support/insert-lead.ts';

async function duplicateEmails(gate: Gate, db: TestDatabase): Promise<number | undefined> {
  const ctx = gateContext({ databaseUrl: db.url });
  const outcome = await gate.run(ctx);
  await ctx.close();
  return outcome.measurements?.find((m) => m.name === 'duplicate_emails')?.value;
}

describe('the duplicate-email count leaves synthetic leads out (hermes_leads only)', () => {
  it.each([integrityGate, validateDataGate])(
    '$id: two synthetic leads with one email are no duplicate, two real ones are',
    async (gate) => {
      const db = await createTestDatabase({ migrate: true });
      await insertLead(db.pool, {
        leadId: 'HS-20250101-SYNTH1',
        email: 'same@example.test',
        source: syntheticSource,
      });
      await insertLead(db.pool, {
        leadId: 'HS-20250101-SYNTH2',
        email: 'same@example.test',
        source: syntheticSource,
      });
      expect(await duplicateEmails(gate, db)).toBe(0);
      await insertLead(db.pool, {
        leadId: 'HS-20250101-REALA1',
        email: 'twice@example.test',
        source: 'web-form',
      });
      await insertLead(db.pool, { leadId: 'HS-20250101-REALA2', email: 'twice@example.test', source: 'api' });
      expect(await duplicateEmails(gate, db)).toBe(1);
      // A real lead sharing the synthetic leads' address is one real lead: still no duplicate of it.
      await insertLead(db.pool, { leadId: 'HS-20250101-REALB1', email: 'same@example.test' });
      expect(await duplicateEmails(gate, db)).toBe(1);
    },
  );
});
