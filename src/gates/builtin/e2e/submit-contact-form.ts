import type { Browser, Page, Response } from 'playwright-core';
import { syntheticHeader } from '../../../intake/contact/synthetic-marker.ts';
import { leadFields, type LeadField } from '../../../leads/lead-rules.ts';
import { errorMessage } from '../../../errors/error-message.ts';
import { redactErrorText } from '../../../delivery/redact-error-text.ts';

/** The flags every headless Chromium of Hermes runs with (no network of its own, no profile sync). */
export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface FormVisit {
  /** The form page's URL. */
  url: string;
  /** The Chromium executable. */
  browser: string;
  values: Readonly<Record<LeadField, string | boolean>>;
  /** Sent in `Hermes-Synthetic` on the form's POST only (never to another origin or asset). */
  adminKey: string;
  /** The intake's minimum fill time: a person takes longer, so the gate waits it out. */
  minFillMs: number;
  timeoutMs: number;
  signal: AbortSignal;
}

/** What the browser saw; `stopped` says where it stopped when there is no reference. */
export type FormOutcome =
  | {
      kind: 'confirmed';
      leadId: string;
      loadMs: number;
      submitMs: number;
      /** Whether the form's POST went out with `Hermes-Synthetic` (to the page's own origin). */
      markerSent: boolean;
      consoleErrors: string[];
    }
  | {
      kind: 'stopped';
      step: 'browser' | 'page' | 'submit';
      reason: string;
      /** The intake's answer to the form's POST, when there was one. */
      apiStatus: number | null;
      markerSent: boolean;
      fieldErrors: { field: string; message: string }[];
      consoleErrors: string[];
    };

const contactPath = '/api/contact';

/** Playwright's messages run to a call log of many lines: the first says what happened. */
function firstLine(error: unknown): string {
  return redactErrorText(errorMessage(error).split('\n')[0] ?? '');
}

async function fill(page: Page, values: FormVisit['values']): Promise<void> {
  for (const field of Object.keys(leadFields) as LeadField[]) {
    const selector = `#f-${field}`;
    const value = values[field];
    const { kind } = leadFields[field];
    if (kind === 'consent') {
      if (value === true) await page.check(selector);
    } else if (kind === 'country' || kind === 'urgency') await page.selectOption(selector, String(value));
    else await page.fill(selector, String(value));
  }
}

/** The messages shown next to fields (`#e-<field>`), for a submission that did not go through. */
async function fieldErrors(page: Page): Promise<{ field: string; message: string }[]> {
  const found: { field: string; message: string }[] = [];
  for (const field of Object.keys(leadFields)) {
    const text =
      (await page
        .locator(`#e-${field}`)
        .textContent({ timeout: 1_000 })
        .catch(() => null)) ?? '';
    if (text.trim() !== '') found.push({ field, message: text.trim() });
  }
  return found;
}

async function noticeText(page: Page): Promise<string> {
  const text = await page
    .locator('#form-notice')
    .textContent({ timeout: 1_000 })
    .catch(() => null);
  return (text ?? '').trim();
}

/**
 * Opens the form page in a fresh headless Chromium, fills it as a person would, waits out the
 * minimum fill time, presses Send and waits for the confirmation with the lead's reference. The
 * browser is closed whatever happens (and at once when `signal` aborts).
 */
export async function submitContactForm(visit: FormVisit): Promise<FormOutcome> {
  const consoleErrors: string[] = [];
  let apiStatus: number | null = null;
  // Set by the route handler (a closure): an object, so that the outcome reads what it set.
  const marked = { sent: false };
  const stopped = (
    step: 'browser' | 'page' | 'submit',
    reason: string,
    errors: string[] = [],
  ): FormOutcome => ({
    kind: 'stopped',
    step,
    reason,
    apiStatus,
    markerSent: marked.sent,
    fieldErrors: [],
    consoleErrors: errors,
  });

  let browser: Browser;
  try {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: visit.browser,
      args: chromiumFlags,
      timeout: visit.timeoutMs,
    });
  } catch (error) {
    return stopped('browser', `Chromium (${visit.browser}) did not start: ${firstLine(error)}`);
  }
  const onAbort = (): void => void browser.close();
  visit.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(visit.timeoutMs);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(redactErrorText(message.text()));
    });
    page.on('pageerror', (error) => consoleErrors.push(redactErrorText(error.message)));
    page.on('response', (response) => {
      const request = response.request();
      if (request.method() === 'POST' && new URL(response.url()).pathname.endsWith(contactPath))
        apiStatus = response.status();
    });

    const started = performance.now();
    let response: Response | null;
    try {
      response = await page.goto(visit.url, { waitUntil: 'load' });
    } catch (error) {
      return stopped('page', `the form page did not load: ${firstLine(error)}`, consoleErrors);
    }
    if (!response) return stopped('page', 'the form page did not load: no answer', consoleErrors);
    if (!response.ok())
      return stopped('page', `the form page answered ${String(response.status())}`, consoleErrors);
    const form = await page
      .locator('#contact-form')
      .waitFor({ state: 'visible' })
      .then(() => true)
      .catch(() => false);
    if (!form) return stopped('page', 'the page has no visible contact form (#contact-form)', consoleErrors);
    // The form token was issued when the page was rendered: the fill time counts from here.
    const loaded = performance.now();
    const loadMs = loaded - started;
    // Only the form's own POST carries the key, to the origin the page came from after any
    // redirect: never an asset, never another origin. Sent by Node (route.fetch) without following
    // redirects, so a redirect is a new request of the browser's, judged here again.
    const origin = new URL(page.url()).origin;
    await page.route(
      (url) => url.origin === origin && url.pathname.endsWith(contactPath),
      async (route, request) => {
        if (request.method() !== 'POST') return route.continue();
        const headers = { ...(await request.allHeaders()), [syntheticHeader]: visit.adminKey };
        marked.sent = true;
        try {
          await route.fulfill({ response: await route.fetch({ headers, maxRedirects: 0 }) });
        } catch {
          // No answer (refused, reset): the page sees a failed request, as it would without the route.
          await route.abort('failed');
        }
      },
    );

    await fill(page, visit.values);
    const waited = performance.now() - loaded;
    if (waited < visit.minFillMs + 250) await page.waitForTimeout(visit.minFillMs + 250 - waited);
    const pressed = performance.now();
    await page.click('#submit');
    const reference = page.locator('.lead-ref', { hasText: /HS-/ });
    const shown = await reference
      .first()
      .waitFor({ state: 'visible' })
      .then(() => true)
      .catch(() => false);
    if (!shown) {
      const notice = await noticeText(page);
      return {
        kind: 'stopped',
        step: 'submit',
        reason: `no confirmation within ${String(visit.timeoutMs)} ms of pressing Send${notice ? `; the page says: ${notice}` : ''}`,
        apiStatus,
        markerSent: marked.sent,
        fieldErrors: await fieldErrors(page),
        consoleErrors,
      };
    }
    const leadId = ((await reference.first().textContent()) ?? '').trim();
    return {
      kind: 'confirmed',
      leadId,
      loadMs,
      submitMs: performance.now() - pressed,
      markerSent: marked.sent,
      consoleErrors,
    };
  } catch (error) {
    return stopped('submit', firstLine(error), consoleErrors);
  } finally {
    visit.signal.removeEventListener('abort', onAbort);
    await browser.close().catch(() => undefined);
  }
}
