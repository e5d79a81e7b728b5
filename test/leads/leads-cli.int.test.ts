import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertLeadWithOutbox } from '../../src/leads/insert-lead-with-outbox.ts';
import { validateLead } from '../../src/leads/validate-lead.ts';
import { runCli } from '../support/run-cli.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { developmentDataKeys } from '../support/data-keys.ts';

const database = useTestDatabase();
const email = 'cli.subject@example.com';

async function store(leadId: string, address: string, ageDays = 0): Promise<void> {
  const result = validateLead({
    first_name: 'Linus',
    last_name: 'Pauling',
    email: address,
    country: 'US',
    phone_number: '+1 202 555 0143',
    problem_description: 'Phishing mails are being sent from our domain.',
    service_urgency: 'soon',
    agree_to_terms: true,
    privacy_consent: true,
  });
  if (!result.ok) throw new Error('fixture lead invalid');
  await insertLeadWithOutbox(database.pool, developmentDataKeys, leadId, {
    lead: result.lead,
    source: 'api',
    privacyPolicyVersion: '2025-01',
    spamReason: null,
  });
  if (ageDays > 0) {
    await database.pool.query(
      `UPDATE hermes_leads SET created_at = now() - make_interval(days => $2) WHERE lead_id = $1`,
      [leadId, ageDays],
    );
  }
}

const hermes = (...args: string[]) => runCli(args, { env: { DATABASE_URL: database.url } });

beforeAll(async () => {
  await store('HS-20250101-AAAAAA', email);
  await store('HS-20250101-BBBBBB', 'someone.else@example.com', 1000);
});

describe('hermes leads', () => {
  it('show prints one lead; an unknown one exits 1, a malformed reference exits 2', async () => {
    const shown = await hermes('--json', 'leads', 'show', 'HS-20250101-AAAAAA');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      lead_id: 'HS-20250101-AAAAAA',
      phone_number: '+12025550143',
    });
    const missing = await hermes('leads', 'show', 'HS-20250101-ZZZZZZ');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no lead HS-20250101-ZZZZZZ [lead_not_found]');
    const bad = await hermes('leads', 'show', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('lead_id: expected a reference');
  });

  it('export prints every lead and delivery held for an email, as JSON', async () => {
    const exported = await hermes('leads', 'export', '--email', email.toUpperCase());
    expect(exported.code, exported.stderr).toBe(0);
    const data = JSON.parse(exported.stdout) as {
      email: string;
      leads: { lead_id: string }[];
      deliveries: unknown[];
    };
    expect(data.email).toBe(email);
    expect(data.leads.map((l) => l.lead_id)).toEqual(['HS-20250101-AAAAAA']);
    expect(data.deliveries).toHaveLength(1);
  });

  it('erase needs --yes, then anonymises and reports; bad input exits 2 and changes nothing', async () => {
    const unconfirmed = await hermes('leads', 'erase', '--email', email);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
    const invalid = await hermes('leads', 'erase', '--email', 'not-an-email', '--yes');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('--email: expected an email address');
    const { rows: before } = await database.pool.query(
      `SELECT status FROM hermes_leads WHERE lead_id = 'HS-20250101-AAAAAA'`,
    );
    expect(before).toEqual([{ status: 'received' }]);

    const erased = await hermes('leads', 'erase', '--email', email, '--yes');
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toContain('erased 1 lead: HS-20250101-AAAAAA');
    const { rows } = await database.pool.query(
      `SELECT first_name, status FROM hermes_leads WHERE lead_id = 'HS-20250101-AAAAAA'`,
    );
    expect(rows).toEqual([{ first_name: '[erased]', status: 'erased' }]);
  });

  it('retention --dry-run counts, retention anonymises the old leads; every call is audited without PII', async () => {
    const dry = await hermes('--json', 'leads', 'retention', '--older-than-days', '365', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ older_than_days: 365, would_anonymise: 1 });
    const run = await hermes('--json', 'leads', 'retention', '--older-than-days', '365');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ anonymised: 1, lead_ids: ['HS-20250101-BBBBBB'] });
    const bad = await hermes('leads', 'retention', '--older-than-days', 'soon');
    expect(bad.code).toBe(2);

    const { rows } = await database.pool.query<{ actor: string; action: string; outcome: string }>(
      'SELECT actor, action, outcome, subject FROM hermes_ops.audit_log ORDER BY id',
    );
    expect(rows.map((r) => `${r.action}:${r.outcome}`)).toEqual([
      'lead.show:ok',
      'lead.show:not_found',
      'gdpr.export:ok',
      'gdpr.erase:ok',
      'retention.run:ok',
    ]);
    expect(rows.every((r) => r.actor.startsWith('cli:'))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('cli.subject');
  });

  it('export and erase of an address without leads exit 1, write no file, and are audited as not_found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermes-export-'));
    try {
      const out = join(dir, 'export.json');
      const exported = await hermes('leads', 'export', '--email', 'nobody@example.com', '--out', out);
      expect(exported.code, exported.stderr).toBe(1);
      expect(exported.stdout).toBe('');
      expect(exported.stderr).toBe('hermes: no lead held for this address [subject_not_found]\n');
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const printed = await hermes('leads', 'export', '--email', 'nobody@example.com');
    expect(printed.code, printed.stderr).toBe(1);
    expect(printed.stdout).toBe('');
    const erased = await hermes('leads', 'erase', '--email', 'nobody@example.com', '--yes');
    expect(erased.code, erased.stderr).toBe(1);
    expect(erased.stdout).toBe('');
    expect(erased.stderr).toBe('hermes: no lead held for this address [subject_not_found]\n');
    const json = await hermes('--json', 'leads', 'erase', '--email', 'nobody@example.com', '--yes');
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'subject_not_found', message: 'no lead held for this address' },
    });

    const { rows } = await database.pool.query<{ action: string; outcome: string }>(
      'SELECT action, outcome FROM hermes_ops.audit_log ORDER BY id DESC LIMIT 4',
    );
    expect(rows.map((r) => `${r.action}:${r.outcome}`).reverse()).toEqual([
      'gdpr.export:not_found',
      'gdpr.export:not_found',
      'gdpr.erase:not_found',
      'gdpr.erase:not_found',
    ]);
  });
});
