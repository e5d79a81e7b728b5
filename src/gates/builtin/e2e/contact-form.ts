import { access, constants } from 'node:fs/promises';
import { poll } from '../../../deploy/local/poll.ts';
import { errorMessage } from '../../../errors/error-message.ts';
import { removeSyntheticLeads } from '../../../leads/remove-synthetic-lead.ts';
import type { Gate, GateContext, GateOutcome } from '../../gate.ts';
import { releaseEndpoint, shownUrl } from '../deploy/release-endpoint.ts';
import { isOwnLeadsTable } from '../db/own-leads.ts';
import { errorOutcome, skipOutcome, thrownOutcome } from '../support/outcome.ts';
import { releaseUrlOf } from '../support/release-url.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { adminKeyProblem, keyTransportProblem } from './check-admin-key.ts';
import { judgeContactForm, type ContactFormRun } from './judge-contact-form.ts';
import { leadDeliveryState, type LeadDeliveryState } from './lead-delivery-state.ts';
import { submitContactForm } from './submit-contact-form.ts';
import { syntheticLeadValues } from './synthetic-lead-values.ts';

type Settings = ReturnType<typeof gateThresholds>['e2e']['contactForm'];

/** The lead once its delivery is settled (delivered or dead) or the deadline has passed. */
async function awaitDelivery(
  ctx: GateContext,
  lookup: () => Promise<LeadDeliveryState | null>,
  settings: Settings,
): Promise<LeadDeliveryState | null> {
  let last: LeadDeliveryState | null = null;
  await poll(
    async () => {
      last = await lookup();
      const status = last?.delivery?.status;
      // A lead not found, or stored without an outbox row, will not change by waiting.
      if (!last || status === undefined || status !== 'pending') return null;
      return 'pending';
    },
    { timeoutMs: settings.deliveryDeadline, intervalMs: settings.pollInterval, signal: ctx.signal },
  );
  return last;
}

/** A run stopped half-way (a killed CLI) may leave its lead: anything older than a run is left over. */
const leftoverAfterMs = 15 * 60_000;

/** Why the gate cannot judge before it sends anything, or null. */
async function prerequisiteProblem(
  ctx: GateContext,
  settings: Settings,
): Promise<{ summary: string; reason: string } | null> {
  if (ctx.config.admin.apiKeys.length === 0)
    return {
      summary: 'no admin key to mark the lead synthetic',
      reason:
        "the gate sends its lead with an admin key (admin.apiKeys or HERMES_ADMIN_API_KEYS) so that the release stores it as synthetic; without one it would send a lead that passes for a person's",
    };
  try {
    await access(settings.browser, constants.X_OK);
    return null;
  } catch {
    return {
      summary: 'no browser to drive',
      reason: `no Chromium at ${settings.browser}: install Debian's (apt-get install chromium) or set gates.thresholds.e2e.contactForm.browser`,
    };
  }
}

async function run(ctx: GateContext): Promise<GateOutcome> {
  const settings = gateThresholds(ctx.config).e2e.contactForm;
  if (!isOwnLeadsTable(gateThresholds(ctx.config).db.records.table))
    return skipOutcome(
      'not Hermes: no contact form to submit',
      "the gate submits Hermes's own form and reads hermes_leads; db.records names another table",
    );
  const missing = await prerequisiteProblem(ctx, settings);
  if (missing) return errorOutcome(missing.summary, missing.reason);
  const [adminKey = ''] = ctx.config.admin.apiKeys;
  let base: string;
  try {
    base = await releaseUrlOf(ctx);
  } catch (error) {
    return thrownOutcome('no release to check', error);
  }
  const transport = keyTransportProblem(base);
  if (transport) return errorOutcome('the admin key would travel in clear text', transport);
  const refused = await adminKeyProblem(base, adminKey, ctx.signal);
  if (refused) return errorOutcome('the release does not take the admin key: no lead sent', refused);

  const db = await ctx.database();
  const swept = await removeSyntheticLeads(db.pool, {
    createdBefore: new Date(Date.now() - leftoverAfterMs),
  });
  if (swept > 0) ctx.log(`removed ${String(swept)} synthetic leads an interrupted run left`);
  const values = syntheticLeadValues();
  const email = String(values.email);
  const url = releaseEndpoint(base, settings.path);
  ctx.log(`submitting the form at ${shownUrl(url)} in Chromium`);
  const form = await submitContactForm({
    url,
    browser: settings.browser,
    values,
    adminKey,
    minFillMs: ctx.config.intake.minFillMs,
    timeoutMs: settings.pageTimeout,
    signal: ctx.signal,
  });
  let stored: LeadDeliveryState | null | undefined;
  let removed: ContactFormRun['removed'] = 0;
  try {
    if (form.kind === 'confirmed') {
      const { leadId } = form;
      ctx.log(`confirmed as ${leadId}; waiting for its delivery to n8n`);
      stored = await awaitDelivery(ctx, () => leadDeliveryState(db.pool, leadId, email), settings);
    }
  } finally {
    // Whatever happened above: a synthetic lead must not stay among people's leads.
    removed = await removeSyntheticLeads(db.pool, { email }).catch((error: unknown) => ({
      error: errorMessage(error),
    }));
  }
  return judgeContactForm({
    form,
    stored,
    removed,
    deliveryDeadlineMs: settings.deliveryDeadline,
    minFillMs: ctx.config.intake.minFillMs,
  });
}

/** §3.1.1 `npm run test:e2e:production`: the deployed form, submitted in a real browser, reaches n8n. */
export const e2eContactFormGate: Gate = {
  id: 'e2e.contact-form',
  stage: 'post-deploy',
  title: 'Contact form end to end',
  description:
    "`npm run test:e2e:production`: opens the release's form page in headless Chromium (Debian's, driven by playwright-core), fills it as a person would, waits out the intake's minimum fill time, presses Send and waits for the confirmation with the lead's reference; then finds the lead in hermes_leads and waits until its delivery to n8n is `delivered`. The lead is synthetic: sent with an admin key in `Hermes-Synthetic` (on the form's POST only), stored as source `deployment-test`, forwarded with `synthetic: true` (the example workflow drops it), left out of exports, lead counts and the duplicate-email check, and deleted afterwards with its outbox and delivery rows. Fails naming where it stopped (the page, a field's message, the intake's answer, the delivery's last outcome). Hermes sends no confirmation email, so the confirmation page is what the user receives.",
  spec: '§3.1.1',
  // The page's two waits and the delivery deadline, with room to start a browser.
  timeoutMs: 180_000,
  thresholds: (config) =>
    describeThresholds(config, 'e2e', 'contactForm', {
      path: "the form page's path on the release's URL",
      browser: 'the Chromium executable the gate drives',
      pageTimeout: 'loading the page, and from Send to the confirmation, each at most (ms)',
      deliveryDeadline: "from the confirmation until the lead's delivery is `delivered` (ms)",
      pollInterval: "the wait between two reads of the lead's delivery state (ms)",
    }),
  run,
};
