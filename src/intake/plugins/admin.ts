import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { DataKeyRing } from '../../leads/encryption/field-cipher.ts';
import { describeGot } from '../../leads/describe-got.ts';
import { eraseSubject } from '../../leads/erase-subject.ts';
import { exportSubjectData } from '../../leads/export-subject-data.ts';
import { planRetention, runRetention } from '../../leads/run-retention.ts';
import { leadIdPattern } from '../../leads/lead-id.ts';
import { showLead } from '../../leads/show-lead.ts';
import { HttpProblem } from '../http-problem.ts';
import { parseRequestInput } from '../parse-request-input.ts';

export interface AdminOptions {
  pool: Pool;
  /** Decrypt the lead's encrypted fields for the lead and export answers. */
  dataKeys: DataKeyRing;
  /** Who made a request the admin guard let through (see admin-api.ts). */
  actorOf: (request: FastifyRequest) => string;
  retentionDays: number;
  idempotencyTtlHours: number;
}

// Exported for the OpenAPI document (src/intake/openapi/), which shows these very schemas.
export const emailBody = z.strictObject({ email: z.string().trim().min(3).max(254).regex(z.regexes.email) });
export const retentionBody = z.strictObject({
  older_than_days: z.int().min(1).max(36_500).optional(),
  dry_run: z.boolean().default(false),
});

/** What each field expects, in words: a 400 answer's `expected`, and the OpenAPI descriptions. */
export const emailExpected: Readonly<Record<string, string>> = { email: 'an email address' };
export const retentionExpected: Readonly<Record<string, string>> = {
  older_than_days: 'an integer number of days from 1 to 36500',
  dry_run: 'true or false',
};

/**
 * `/api/admin/*`, behind the admin guard (admin-api.ts): every call written to
 * hermes_ops.audit_log. Without a valid key: 401 and nothing else (refusals counted, not audited).
 */
export function adminPlugin(app: FastifyInstance, options: AdminOptions, done: (err?: Error) => void): void {
  const { pool, actorOf, dataKeys } = options;

  app.get<{ Params: { leadId: string } }>('/api/admin/leads/:leadId', async (request) => {
    const { leadId } = request.params;
    if (!leadIdPattern.test(leadId)) {
      throw new HttpProblem('validation_failed', 'the request is not valid; nothing was done', {
        extra: {
          fields: [
            {
              field: 'leadId',
              expected: 'a lead reference such as HS-20261124-7KQ2M9',
              got: describeGot(leadId),
            },
          ],
        },
      });
    }
    const lead = await showLead(pool, dataKeys, actorOf(request), leadId);
    if (!lead) throw new HttpProblem('lead_not_found', `no lead ${leadId}`);
    return { lead };
  });

  app.post('/api/admin/gdpr/export', async (request) => {
    const { email } = parseRequestInput(emailBody, request.body, emailExpected);
    return exportSubjectData(pool, dataKeys, actorOf(request), email);
  });

  app.post('/api/admin/gdpr/erase', async (request) => {
    const { email } = parseRequestInput(emailBody, request.body, emailExpected);
    const erased = await eraseSubject(pool, actorOf(request), email);
    return { erased: erased.length, lead_ids: erased };
  });

  app.post('/api/admin/retention', async (request) => {
    const body = parseRequestInput(retentionBody, request.body, retentionExpected);
    const days = body.older_than_days ?? options.retentionDays;
    // As the CLI's --dry-run: the count that a run would anonymise now, nothing changed.
    if (body.dry_run) {
      const plan = await planRetention(pool, actorOf(request), days);
      return { older_than_days: days, ...plan };
    }
    const result = await runRetention(pool, actorOf(request), days, options.idempotencyTtlHours);
    return { older_than_days: days, anonymised: result.lead_ids.length, ...result };
  });

  done();
}
