import type { FastifyInstance } from 'fastify';
import type { HermesConfig } from '../../config/schema.ts';
import { notFound } from '../edge-problems.ts';
import type { FormTokens } from '../form-token.ts';
import type { PageAsset, PageAssets } from '../page-assets.ts';
import { renderFormPage } from '../pages/render-form-page.ts';
import { renderPrivacyPage } from '../pages/render-privacy-page.ts';

export interface FormPageOptions {
  intake: HermesConfig['intake'];
  retentionDays: number;
  tokens: FormTokens;
  assets: PageAssets;
}

/** A versioned name never changes content, so it may be kept a year; a plain name only briefly. */
const immutable = 'public, max-age=31536000, immutable';
const brief = 'public, max-age=300';

/**
 * `GET /` (the contact form, with a fresh signed render time), its script and styles, and `/privacy`.
 * Each asset answers under its versioned name (what the pages reference) and its plain name (for
 * pages cached before versioned names existed).
 */
export function formPagePlugin(app: FastifyInstance, options: FormPageOptions): Promise<void> {
  const { intake, assets } = options;
  const byName = new Map<string, { asset: PageAsset; cache: string }>();
  for (const asset of assets.files) {
    byName.set(asset.file, { asset, cache: immutable });
    byName.set(asset.name, { asset, cache: brief });
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
          assets,
        }),
      ),
  );

  app.get<{ Params: { name: string } }>('/assets/:name', (request, reply) => {
    const found = byName.get(request.params.name);
    if (found === undefined) {
      // Thrown, so the one edge answers it as every other error (uniform body, logs, metrics).
      throw notFound('no such asset');
    }
    return reply.type(found.asset.contentType).header('cache-control', found.cache).send(found.asset.body);
  });

  app.get('/privacy', (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(renderPrivacyPage(intake.privacyPolicyVersion, options.retentionDays, assets)),
  );
  return Promise.resolve();
}
