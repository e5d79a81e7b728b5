import type { Pool } from 'pg';
import { audited } from './audited.ts';
import type { DataKeyRing } from './encryption/field-cipher.ts';
import { findLead } from './find-lead.ts';
import type { LeadRow } from './lead-row.ts';

/** One lead by its reference, audited (the CLI and the admin API both call this); undefined if none. */
export function showLead(
  pool: Pool,
  keys: DataKeyRing,
  actor: string,
  leadId: string,
): Promise<LeadRow | undefined> {
  return audited(pool, {
    actor,
    action: 'lead.show',
    subject: leadId,
    work: (db) => findLead(db, keys, leadId),
    describe: (found) => ({ outcome: found ? 'ok' : 'not_found' }),
  });
}
