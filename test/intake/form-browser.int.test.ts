import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFlags } from '../../src/gates/builtin/e2e/submit-contact-form.ts';
import { FormTokens } from '../../src/intake/form-token.ts';
import { startIntake, validLead, type IntakeUnderTest } from './support/start-intake.ts';
import { isEncrypted } from '../../src/leads/encryption/field-cipher.ts';
import { decryptLeadField } from '../../src/leads/encryption/lead-fields.ts';
import { developmentDataKeys } from '../support/data-keys.ts';

let browser: Browser;
let intake: IntakeUnderTest;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumFlags });
  // A minimum fill time of 1 ms: the signed render time is checked, and a person always passes it.
  intake = await startIntake({
    config: { intake: { minFillMs: 1 } },
  });
}, 60_000);
afterAll(async () => {
  await intake.close();
  await browser.close();
});

async function fill(page: Page, lead: Record<string, unknown>): Promise<void> {
  await page.fill('#f-first_name', String(lead.first_name));
  await page.fill('#f-last_name', String(lead.last_name));
  await page.fill('#f-email', String(lead.email));
  await page.selectOption('#f-country', String(lead.country));
  await page.fill('#f-phone_number', String(lead.phone_number));
  await page.fill('#f-problem_description', String(lead.problem_description));
  await page.selectOption('#f-service_urgency', String(lead.service_urgency));
  await page.check('#f-agree_to_terms');
  await page.check('#f-privacy_consent');
}

async function storedLead(email: string) {
  const { rows } = await intake.database.pool.query<Record<string, unknown>>(
    `SELECT l.lead_id, l.status, l.source, l.phone_number, l.privacy_policy_version,
            (SELECT count(*)::int FROM hermes_outbox o WHERE o.lead_id = l.lead_id) AS outbox_rows
     FROM hermes_leads l WHERE email = $1`,
    [email],
  );
  // Stored encrypted (src/leads/encryption/): the raw column holds no plaintext.
  return rows.map((row) => {
    expect(isEncrypted(String(row.phone_number))).toBe(true);
    const leadId = String(row.lead_id);
    return {
      ...row,
      phone_number: decryptLeadField(developmentDataKeys, 'phone_number', leadId, String(row.phone_number)),
    };
  });
}

describe('the contact form in Chromium', () => {
  it('fills, submits, shows the confirmation with the reference, and the lead is in the database', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(intake.base);
    const lead = validLead();
    await fill(page, lead);
    await page.click('#submit');
    await page.locator('#confirmation').waitFor({ state: 'visible' });
    const reference = await page.locator('#lead-ref').textContent();
    expect(reference).toMatch(/^HS-\d{8}-[0-9A-Z]{6}$/);
    expect(await page.locator('#contact-form').isHidden()).toBe(true);
    expect(await storedLead(String(lead.email))).toEqual([
      {
        lead_id: reference,
        status: 'received',
        source: 'web-form',
        phone_number: '+442079460958',
        privacy_policy_version: intake.config.intake.privacyPolicyVersion,
        outbox_rows: 1,
      },
    ]);
    // Nothing the CSP blocked, no script error.
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a field error next to its field, from the same rules as the server, and sends nothing', async () => {
    const page = await browser.newPage();
    await page.goto(intake.base);
    const before = await intake.counts();
    await fill(page, validLead({ email: 'ada-at-example' }));
    await page.click('#submit');
    const error = page.locator('#e-email');
    await expect.poll(() => error.textContent()).toContain('Expected an email address');
    expect(await page.getAttribute('#f-email', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#f-email', 'aria-describedby')).toBe('e-email');
    expect(await page.locator('#f-email:focus').count()).toBe(1);
    expect(await page.locator('#e-first_name').textContent()).toBe('');
    expect(await intake.counts()).toEqual(before);
    await page.close();
  });

  it('shows the server’s verdict next to the field when only the server can judge it (phone for the country)', async () => {
    const page = await browser.newPage();
    await page.goto(intake.base);
    const before = await intake.counts();
    await fill(page, validLead({ phone_number: '+44 12' }));
    await page.click('#submit');
    await expect.poll(() => page.locator('#e-phone_number').textContent()).toContain('phone number');
    expect(await page.locator('#contact-form').isVisible()).toBe(true);
    expect(await intake.counts()).toEqual(before);
    await page.close();
  });

  it('keeps what was typed on 429 and sends again after Retry-After', async () => {
    // This address's quota (1 per 3 s) is used up just before the visitor presses Send.
    const limited = await startIntake({
      database: intake.database,
      config: { intake: { minFillMs: 1, rateLimit: { perIpMax: 1, perIpWindowMs: 3_000 } } },
    });
    const page = await browser.newPage();
    try {
      await page.goto(limited.base);
      const lead = validLead();
      await fill(page, lead);
      expect((await limited.post(validLead())).status).toBe(201);
      await page.click('#submit');
      await expect.poll(() => page.locator('#form-notice').textContent()).toContain('sending again');
      expect(await page.inputValue('#f-problem_description')).toBe(lead.problem_description);
      await page.locator('#confirmation').waitFor({ state: 'visible', timeout: 20_000 });
      expect(await storedLead(String(lead.email))).toHaveLength(1);
    } finally {
      await page.close();
      await limited.close();
    }
  }, 30_000);

  it('a page left open past its token’s lifetime still sends the lead, after a fresh token and the fill time', async () => {
    const secret = 'a-browser-test-form-token-secret';
    const open = await startIntake({
      database: intake.database,
      config: { intake: { minFillMs: 1_000, formTokenSecret: secret, formTokenTtlHours: 1 } },
    });
    const page = await browser.newPage();
    try {
      await page.goto(open.base);
      const lead = validLead();
      await fill(page, lead);
      // The page was rendered two hours ago.
      const stale = new FormTokens(secret, 1).issue(Date.now() - 2 * 3_600_000);
      await page.evaluate(
        `document.querySelector('input[name="form_token"]').value = ${JSON.stringify(stale)}`,
      );
      await page.click('#submit');
      await expect.poll(() => page.locator('#form-notice').textContent()).toContain('open for a long time');
      await page.locator('#confirmation').waitFor({ state: 'visible', timeout: 20_000 });
      expect(await storedLead(String(lead.email))).toMatchObject([{ status: 'received', outbox_rows: 1 }]);
    } finally {
      await page.close();
      await open.close();
    }
  }, 30_000);

  it('works without JavaScript: a urlencoded POST answered with a confirmation page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(intake.base);
    const lead = validLead();
    await fill(page, lead);
    await Promise.all([page.waitForURL(`${intake.base}/api/contact`), page.click('#submit')]);
    const reference = await page.locator('.lead-ref').textContent();
    expect(reference).toMatch(/^HS-/);
    expect(await storedLead(String(lead.email))).toMatchObject([
      { lead_id: reference, status: 'received', source: 'web-form' },
    ]);
    await context.close();
  });

  it('without JavaScript, a server-side error comes back as the form with the error by its field and the values kept', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(intake.base);
    const before = await intake.counts();
    const lead = validLead({ phone_number: '+44 12' });
    await fill(page, lead);
    await Promise.all([page.waitForURL(`${intake.base}/api/contact`), page.click('#submit')]);
    expect(await page.locator('#e-phone_number').textContent()).toContain('phone number');
    expect(await page.inputValue('#f-email')).toBe(lead.email);
    expect(await page.locator('#f-agree_to_terms').isChecked()).toBe(true);
    expect(await intake.counts()).toEqual(before);
    await context.close();
  });
});
