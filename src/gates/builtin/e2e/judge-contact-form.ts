import { syntheticSource } from '../../../leads/synthetic-source.ts';
import type { Evidence, GateOutcome, Measurement } from '../../gate.ts';
import { measure } from '../support/outcome.ts';
import type { LeadDeliveryState } from './lead-delivery-state.ts';
import type { FormOutcome } from './submit-contact-form.ts';

export interface ContactFormRun {
  form: FormOutcome;
  /** The lead after the wait for its delivery (null: not found); undefined when the form stopped. */
  stored?: LeadDeliveryState | null;
  /** How many synthetic leads were removed afterwards, or why removing them failed. */
  removed: number | { error: string };
  deliveryDeadlineMs: number;
  /** The intake's minimum fill time, named when the lead was judged spam. */
  minFillMs: number;
}

const confirmationNote =
  'no confirmation email is configured: the confirmation page is what the user receives';

function formEvidence(form: FormOutcome): Evidence[] {
  const evidence: Evidence[] = [];
  if (form.kind === 'stopped' && form.fieldErrors.length > 0)
    evidence.push({ kind: 'rows', title: 'messages shown next to fields', content: form.fieldErrors });
  if (form.consoleErrors.length > 0)
    evidence.push({
      kind: 'text',
      title: 'errors in the page console',
      content: form.consoleErrors.join('\n'),
    });
  return evidence;
}

function cleanup(removed: ContactFormRun['removed']): {
  measurements: Measurement[];
  problem: string | null;
} {
  if (typeof removed !== 'number')
    return { measurements: [], problem: `the synthetic lead could not be removed: ${removed.error}` };
  return { measurements: [measure('synthetic leads removed', removed, 'count')], problem: null };
}

/** Where the delivery stands when it is not `delivered`, in the words an operator acts on. */
function deliveryProblem(state: LeadDeliveryState, run: ContactFormRun): string {
  const { delivery } = state;
  const deadlineMs = run.deliveryDeadlineMs;
  if (delivery === null) {
    const spam =
      state.status === 'spam'
        ? ` (sent faster than the intake's minimum fill time, ${String(run.minFillMs)} ms here? the release's may be longer)`
        : '';
    return `it was stored as ${state.status} with no outbox row, so it is never forwarded${spam}`;
  }
  const last =
    delivery.lastOutcome === null
      ? ''
      : `; last outcome ${delivery.lastOutcome}${delivery.lastStatusCode === null ? '' : ` (HTTP ${String(delivery.lastStatusCode)})`}${delivery.lastError ? `: ${delivery.lastError}` : ''}`;
  if (delivery.status === 'dead')
    return `n8n never took it: dead after ${String(delivery.attempts)} attempts${last}`;
  if (delivery.attempts === 0)
    return `not delivered within ${String(deadlineMs)} ms and never attempted: is the release's delivery worker running, and n8n configured (HERMES_N8N_WEBHOOK_URL)?`;
  return `not delivered within ${String(deadlineMs)} ms: pending after ${String(delivery.attempts)} attempts${last}; next attempt at ${delivery.nextAttemptAt.toISOString()}`;
}

/**
 * §3.1.1 from what the gate saw: the form went through to a reference, the lead is stored as the
 * gate's synthetic lead, and its delivery reached n8n. Fails naming the step where it stopped.
 */
export function judgeContactForm(run: ContactFormRun): GateOutcome {
  const tidy = cleanup(run.removed);
  const outcome = judgeSteps(run, tidy);
  const { problem } = tidy;
  // A lead left behind is said whatever else happened: it is among people's leads until removed.
  if (problem === null || outcome.status === 'pass' || outcome.status === 'warn') return outcome;
  return { ...outcome, summary: `${outcome.summary}; and ${problem}` };
}

/** `tidy`: what the clean-up removed (recorded whatever the outcome), or why it could not. */
function judgeSteps(run: ContactFormRun, tidy: ReturnType<typeof cleanup>): GateOutcome {
  const { form } = run;
  const evidence = formEvidence(form);
  if (form.kind === 'stopped') {
    const answered = form.apiStatus === null ? '' : ` (the intake answered ${String(form.apiStatus)})`;
    const summary = `the contact form did not go through: ${form.reason}${answered}`;
    // No browser is Hermes unable to judge, not the release failing.
    if (form.step === 'browser') return { status: 'error', summary, reason: form.reason, evidence };
    return { status: 'fail', summary, measurements: tidy.measurements, evidence };
  }
  const measurements = [
    measure('form page load', Math.round(form.loadMs), 'ms'),
    measure('Send to confirmation', Math.round(form.submitMs), 'ms'),
    ...tidy.measurements,
  ];
  const { stored } = run;
  if (!stored)
    return {
      status: 'fail',
      summary: `the page confirmed ${form.leadId}, but hermes_leads has no such lead: does the release write to another database?`,
      measurements,
      evidence,
    };
  if (stored.source !== syntheticSource)
    return {
      status: 'fail',
      summary: form.markerSent
        ? `the release stored ${form.leadId} as a person's lead (source ${stored.source}) although the form's POST carried the admin key: it was forwarded as real and is left in place`
        : `the form posted ${form.leadId} to another origin than its page's, so it went without the synthetic marker: it was stored and forwarded as a person's lead and is left in place (give the URL the page ends up on)`,
      measurements,
      evidence,
    };
  if (stored.delivery?.status !== 'delivered' || stored.deliveredAfterMs === null)
    return {
      status: 'fail',
      summary: `${form.leadId} was stored but did not reach n8n: ${deliveryProblem(stored, run)}`,
      measurements,
      evidence,
    };
  measurements.push(
    measure('commit to delivery', Math.round(stored.deliveredAfterMs), 'ms', run.deliveryDeadlineMs, '<='),
  );
  const caveats = [
    ...(form.consoleErrors.length > 0
      ? [`${String(form.consoleErrors.length)} errors in the page console`]
      : []),
    ...(tidy.problem ? [tidy.problem] : []),
  ];
  return {
    status: caveats.length > 0 ? 'warn' : 'pass',
    summary: `submitted in Chromium, confirmed as ${form.leadId}, stored and delivered to n8n in ${String(Math.round(stored.deliveredAfterMs))} ms${caveats.length > 0 ? `, but ${caveats.join('; ')}` : ''}; ${confirmationNote}`,
    measurements,
    evidence,
  };
}
