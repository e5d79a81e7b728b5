import type { Pool } from 'pg';
import { anonymiseLeads } from './anonymise-leads.ts';
import { audited } from './audited.ts';
import { subjectOfEmail } from './record-audit.ts';

/** GDPR art. 17: anonymises every lead of an email address, audited; returns the erased lead ids. */
export function eraseSubject(pool: Pool, actor: string, email: string): Promise<string[]> {
  return audited(pool, {
    actor,
    action: 'gdpr.erase',
    subject: subjectOfEmail(email),
    work: (db) => anonymiseLeads(db, { email }),
    describe: (ids) => ({ outcome: ids.length > 0 ? 'ok' : 'not_found', details: { lead_ids: ids } }),
  });
}
