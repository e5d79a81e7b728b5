import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertLeadWithOutbox } from '../../src/leads/insert-lead-with-outbox.ts';
import { validateLead } from '../../src/leads/validate-lead.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { runCliInProcess } from './in-process-cli.ts';
import { developmentDataKeys } from '../support/data-keys.ts';

const database = useTestDatabase();
const email = 'grace.hopper@example.com';
let dir: string;

async function store(leadId: string, address: string, ageDays: number): Promise<void> {
  const result = validateLead({
    first_name: 'Grace',
    last_name: 'Hopper',
    email: address,
    country: 'US',
    phone_number: '+1 202 555 0143',
    problem_description: 'A moth in relay 70 of panel F.',
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
  await database.pool.query(
    `UPDATE hermes_leads SET created_at = now() - make_interval(days => $2) WHERE lead_id = $1`,
    [leadId, ageDays],
  );
}

/** In process; retention defaults to 100 days here (admin.retentionDays in the file). */
const hermes = (...args: string[]) =>
  runCliInProcess(args, { env: { DATABASE_URL: database.url, HERMES_CONFIG: join(dir, 'hermes.yaml') } });

const auditTrail = async (): Promise<string[]> =>
  (
    await database.pool.query<{ entry: string }>(
      `SELECT action || ':' || outcome AS entry FROM hermes_ops.audit_log ORDER BY id`,
    )
  ).rows.map((r) => r.entry);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-leads-output-'));
  writeFileSync(join(dir, 'hermes.yaml'), 'admin:\n  retentionDays: 100\n');
  await store('HS-20250101-AAAAAA', email, 200);
  await store('HS-20250101-BBBBBB', email, 50);
  await store('HS-20250101-CCCCCC', 'someone.else@example.com', 150);
});

describe('hermes leads: the text each command prints', () => {
  it('show: one aligned line per column', async () => {
    const shown = await hermes('leads', 'show', 'HS-20250101-AAAAAA');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^lead_id {17}HS-20250101-AAAAAA$/m);
    expect(shown.stdout).toMatch(/^phone_number {12}\+12025550143$/m);
    // A date column in ISO 8601, not Date's toString().
    expect(shown.stdout).toMatch(/^created_at {14}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/m);
  });

  it('export --out writes the JSON to a file only its owner can read, and says so on stderr', async () => {
    const out = join(dir, 'export.json');
    const exported = await hermes('leads', 'export', '--email', email, '--out', out);
    expect(exported).toEqual({ code: 0, stdout: '', stderr: `hermes: wrote 2 leads to ${out}\n` });
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const data = JSON.parse(readFileSync(out, 'utf8')) as { email: string; leads: { lead_id: string }[] };
    expect(data.email).toBe(email);
    expect(data.leads.map((l) => l.lead_id).sort()).toEqual(['HS-20250101-AAAAAA', 'HS-20250101-BBBBBB']);

    const one = join(dir, 'one.json');
    const single = await hermes('leads', 'export', '--email', 'someone.else@example.com', '--out', one);
    expect(single.stderr).toBe(`hermes: wrote 1 lead to ${one}\n`);
  });

  it('retention: the dry run counts against admin.retentionDays, the run says what it anonymised', async () => {
    expect(await hermes('leads', 'retention', '--dry-run')).toEqual({
      code: 0,
      stdout: '2 leads older than 100 days would be anonymised\n',
      stderr: '',
    });
    expect(await hermes('leads', 'retention', '--dry-run', '--older-than-days', '180')).toEqual({
      code: 0,
      stdout: '1 lead older than 180 days would be anonymised\n',
      stderr: '',
    });
    const run = await hermes('leads', 'retention', '--older-than-days', '180');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^anonymised 1 lead older than 180 days; forgot \d+ expired idempotency keys and \d+ expired form tokens\n$/,
    );
    const again = await hermes('leads', 'retention');
    expect(again.stdout).toMatch(/^anonymised 1 lead older than 100 days;/);
    const { rows } = await database.pool.query<{ lead_id: string; email: string }>(
      'SELECT lead_id, email FROM hermes_leads ORDER BY lead_id',
    );
    // The two older than 100 days lost their address; the 50-day-old one kept it.
    expect(rows.map((r) => [r.lead_id, r.email === email || r.email === 'someone.else@example.com'])).toEqual(
      [
        ['HS-20250101-AAAAAA', false],
        ['HS-20250101-BBBBBB', true],
        ['HS-20250101-CCCCCC', false],
      ],
    );
  });

  it('erase: refused without --yes off a terminal, then erases and names what it erased', async () => {
    const refused = await hermes('leads', 'erase', '--email', email);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `hermes: not asked on a terminal, so nothing was done: add --yes to erase every lead of ${email} (this cannot be undone) [confirmation_required]\n`,
    );
    expect(await auditTrail()).not.toContain('gdpr.erase:ok');
    const erased = await hermes('leads', 'erase', '--email', email, '--yes');
    expect(erased).toEqual({ code: 0, stdout: 'erased 1 lead: HS-20250101-BBBBBB\n', stderr: '' });
    expect(await auditTrail()).toContain('gdpr.erase:ok');
  });
});
