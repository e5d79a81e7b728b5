import type { FastifyReply } from 'fastify';
import type { StoredAnswer } from '../../leads/find-idempotency-key.ts';
import type { FieldError } from '../../leads/validate-lead.ts';
import type { LeadOutcome, ServiceMetrics } from '../../observability/service-metrics.ts';
import type { FormTokens } from '../form-token.ts';
import type { HttpProblem } from '../http-problem.ts';
import { renderConfirmationPage } from '../pages/render-confirmation-page.ts';
import type { AnswerFormat } from './answer-format.ts';
import { pageTokenAgain, refusedFormPage, type FormPageSettings } from './refused-form-page.ts';

export interface ContactReplyDeps {
  readonly metrics: ServiceMetrics;
  readonly tokens: FormTokens;
  readonly page: FormPageSettings;
}

export interface ContactReplies {
  /** Counts the refusal; JSON clients get it from the HTTP edge (thrown), form posts the page again. */
  refuse(problem: HttpProblem, outcome: LeadOutcome, fields?: readonly FieldError[]): FastifyReply;
  /** The answer a committed lead already got, for a retry of it. */
  replay(stored: Pick<StoredAnswer, 'leadId' | 'statusCode'>): FastifyReply;
  created(leadId: string, outcome: LeadOutcome): FastifyReply;
}

/** The answers of one `POST /api/contact`, in the format its client reads. */
export function contactReplies(
  reply: FastifyReply,
  format: AnswerFormat,
  values: Readonly<Record<string, unknown>>,
  deps: ContactReplyDeps,
): ContactReplies {
  const count = (outcome: LeadOutcome) => deps.metrics.leadsReceived.inc({ outcome });
  const answer = (leadId: string, status: number) =>
    format === 'html'
      ? reply
          .code(status)
          .type('text/html; charset=utf-8')
          .send(renderConfirmationPage(leadId, deps.page.assets))
      : reply.code(status).send({ lead_id: leadId });
  return {
    refuse(problem, outcome, fields) {
      count(outcome);
      if (format === 'json') throw problem;
      if (problem.retryAfterS !== undefined) void reply.header('retry-after', String(problem.retryAfterS));
      const formToken = pageTokenAgain(problem, values.form_token) ?? deps.tokens.issue();
      return reply
        .code(problem.statusCode)
        .type('text/html; charset=utf-8')
        .send(refusedFormPage(problem, { values, fields, formToken }, deps.page));
    },
    replay(stored) {
      count('replayed');
      void reply.header('idempotent-replayed', 'true');
      return answer(stored.leadId, stored.statusCode);
    },
    created(leadId, outcome) {
      count(outcome);
      return answer(leadId, 201);
    },
  };
}
