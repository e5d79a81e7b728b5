import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { HermesConfig } from '../../config/schema.ts';
import { leadFields } from '../../leads/lead-rules.ts';
import { notFound } from '../edge-problems.ts';
import type { FormTokens } from '../form-token.ts';
import { escapeHtml } from '../../text/escape-html.ts';
import { hermesFiles } from '../../runtime/hermes-files.ts';
import { pageLayout } from '../pages/page-layout.ts';
import { renderFormPage } from '../pages/render-form-page.ts';

export interface FormPageOptions {
  intake: HermesConfig['intake'];
  retentionDays: number;
  tokens: FormTokens;
}

const assets = {
  'contact-form.js': 'text/javascript; charset=utf-8',
  'contact-form.css': 'text/css; charset=utf-8',
} as const;

/** `GET /` (the contact form, with a fresh signed render time), its script and styles, and `/privacy`. */
export async function formPagePlugin(app: FastifyInstance, options: FormPageOptions): Promise<void> {
  const { intake } = options;
  const files = new Map<string, string>();
  for (const name of Object.keys(assets)) {
    files.set(name, await readFile(join(hermesFiles.intakeAssets, name), 'utf8'));
  }

  app.get('/', (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        renderFormPage({
          formToken: options.tokens.issue(),
          honeypotField: intake.honeypotField,
          privacyPolicyVersion: intake.privacyPolicyVersion,
          privacyPolicyUrl: intake.privacyPolicyUrl,
        }),
      ),
  );

  app.get<{ Params: { name: string } }>('/assets/:name', (request, reply) => {
    const { name } = request.params;
    const body = files.get(name);
    if (body === undefined || !Object.hasOwn(assets, name)) {
      // Thrown, so the one edge answers it as every other error (uniform body, logs, metrics).
      throw notFound('no such asset');
    }
    return reply
      .type(assets[name as keyof typeof assets])
      .header('cache-control', 'public, max-age=300')
      .send(body);
  });

  app.get('/privacy', (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(
      pageLayout(
        'Privacy: Hermes Security contact form',
        `<h1>How we handle your request</h1>
<p>Privacy policy version ${escapeHtml(intake.privacyPolicyVersion)}.</p>
<p>We keep what you send us (${Object.values(leadFields)
          .filter((f) => f.kind !== 'consent')
          .map((f) => escapeHtml(f.label.toLowerCase()))
          .join(', ')}) to answer your request, and forward it to our team's workflow system.</p>
<p>Requests are anonymised after ${options.retentionDays} days. You can ask us for a copy of your data, or for its erasure, at any time.</p>
<p><a href="/">Back to the contact form</a></p>`,
      ),
    ),
  );
}
