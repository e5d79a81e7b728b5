import type { Pool } from 'pg';
import { audited } from './audited.ts';
import type { DataKeyRing } from './encryption/field-cipher.ts';
import { exportLeadsByEmail } from './export-leads-by-email.ts';
import { subjectOfEmail } from './record-audit.ts';

/** GDPR art. 15: all data held for an email address, audited (the CLI and the admin API both call this). */
export function exportSubjectData(pool: Pool, keys: DataKeyRing, actor: string, email: string) {
  return audited(pool, {
    actor,
    action: 'gdpr.export',
    subject: subjectOfEmail(email),
    work: (db) => exportLeadsByEmail(db, keys, email),
    describe: (data) => ({
      outcome: data.leads.length > 0 ? 'ok' : 'not_found',
      details: { leads: data.leads.length },
    }),
  });
}
