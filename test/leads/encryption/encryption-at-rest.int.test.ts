import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimedColumns, type ClaimedRow } from '../../../src/delivery/claimed-row.ts';
import { leadPayload } from '../../../src/delivery/lead-payload.ts';
import { isEncrypted, keyIdOf } from '../../../src/leads/encryption/field-cipher.ts';
import { decryptLeadRow } from '../../../src/leads/encryption/lead-fields.ts';
import { resolveDataKeys } from '../../../src/leads/encryption/resolve-data-keys.ts';
import { eventually } from '../../delivery/support/delivery-setup.ts';
import { serveHermes, type ServingHermes } from '../../delivery/support/spawn-worker.ts';
import { insertLead } from '../../gates/builtin/support/insert-lead.ts';
import { validLead } from '../../intake/support/start-intake.ts';
import { startN8nReceiver, type N8nReceiver } from '../../support/n8n-receiver.ts';
import { runCli } from '../../support/run-cli.ts';
import { createTestDatabase, useTestDatabase } from '../../support/test-database.ts';

const keyA = `ka:${randomBytes(32).toString('base64')}`; // secretlint-disable-line -- a test key
const keyB = `kb:${randomBytes(32).toString('base64')}`; // secretlint-disable-line -- a test key
const ringA = resolveDataKeys({ environment: 'test', dataProtection: { keys: [keyA] } }).ring;

interface RawValues {
  lead_id: string;
  phone_number: string;
  problem_description: string;
}

describe('phone_number and problem_description encrypted at rest', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const db = useTestDatabase();
  let receiver: N8nReceiver;
  let serve: ServingHermes;

  const raw = async (): Promise<RawValues[]> =>
    (
      await db.pool.query<RawValues>(
        'SELECT lead_id, phone_number, problem_description FROM hermes_leads ORDER BY id',
      )
    ).rows;

  beforeAll(async () => {
    receiver = await startN8nReceiver({ secrets: [secret] });
    serve = await serveHermes({
      DATABASE_URL: db.url,
      HERMES_N8N_WEBHOOK_URL: receiver.url,
      HERMES_N8N_SIGNING_SECRET: secret,
      HERMES_DATA_KEY: keyA,
      HERMES_MIN_FILL_MS: '0',
      HERMES_RATE_LIMIT: 'off',
    });
  }, 60_000);
  afterAll(async () => {
    serve.child.kill('SIGTERM');
    await serve.exited;
    await receiver.close();
  });

  let leadId = '';
  const lead = validLead({
    email: 'enc.subject@example.com',
    problem_description: 'Ransomware on the file server; the note asks for 3 BTC.',
  });

  it('a posted lead is stored encrypted under the current key, and n8n gets it in plaintext, as before', async () => {
    const response = await fetch(`${serve.base}/api/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(lead),
    });
    expect(response.status).toBe(201);
    leadId = ((await response.json()) as { lead_id: string }).lead_id;
    const [stored] = await raw();
    expect(stored?.lead_id).toBe(leadId);
    for (const value of [stored?.phone_number ?? '', stored?.problem_description ?? '']) {
      expect(isEncrypted(value)).toBe(true);
      expect(keyIdOf(value)).toBe('ka');
    }
    expect(JSON.stringify(stored)).not.toContain('Ransomware');
    expect(JSON.stringify(stored)).not.toContain('7946');

    await receiver.waitForDelivered(1);
    const [got] = receiver.received;
    expect(got?.signatureValid).toBe(true);
    expect(got?.body).toMatchObject({
      lead_id: leadId,
      phone_number: '+442079460958',
      problem_description: lead.problem_description,
    });
    // The body is the one the payload builder makes of the plaintext row, key for key, in order.
    const { rows } = await db.pool.query<ClaimedRow>(
      `SELECT true AS due, ${claimedColumns} FROM hermes_outbox o JOIN hermes_leads l ON l.lead_id = o.lead_id`,
    );
    const [claimed] = rows;
    if (!claimed) throw new Error('no outbox row');
    expect(JSON.stringify(got?.body)).toBe(JSON.stringify(leadPayload(decryptLeadRow(ringA, claimed))));
  });

  it('`leads show` and `leads export` print the plaintext', async () => {
    const env = { DATABASE_URL: db.url, HERMES_DATA_KEY: keyA };
    const show = await runCli(['leads', 'show', leadId, '--json'], { env });
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      lead_id: leadId,
      phone_number: '+442079460958',
      problem_description: lead.problem_description,
    });
    const exported = await runCli(['leads', 'export', '--email', 'enc.subject@example.com'], { env });
    expect(exported.code, exported.stderr).toBe(0);
    const data = JSON.parse(exported.stdout) as { leads: RawValues[] };
    expect(data.leads.map((l) => [l.phone_number, l.problem_description])).toEqual([
      ['+442079460958', lead.problem_description],
    ]);
    // Without the key that encrypted it, nothing is shown as if it were the text: a typed error, exit 2.
    const withoutKey = await runCli(['leads', 'show', leadId], { env: { DATABASE_URL: db.url } });
    expect(withoutKey.code).toBe(2);
    expect(withoutKey.stderr).toContain('encrypted under key "ka", which is not configured');
    expect(withoutKey.stderr).toContain('[data_undecryptable]');
    expect(withoutKey.stdout + withoutKey.stderr).not.toContain('Ransomware');
  });

  it('a plaintext lead written before encryption is still delivered, and `keys rotate` encrypts it', async () => {
    await insertLead(db.pool, { leadId: 'HS-20250101-LEGACY' });
    await db.pool.query(`INSERT INTO hermes_outbox (lead_id) VALUES ('HS-20250101-LEGACY')`);
    await eventually(() => receiver.deliveredIds().size === 2, 'the legacy lead delivered');
    const legacy = receiver.received.find((r) => r.body.lead_id === 'HS-20250101-LEGACY');
    expect(legacy?.body).toMatchObject({
      phone_number: '+44 7700 900123',
      problem_description: 'Post-deploy test',
    });

    const env = { DATABASE_URL: db.url, HERMES_DATA_KEY: keyA };
    const dryRun = await runCli(['keys', 'rotate', '--dry-run', '--json'], { env });
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({
      current_key_id: 'ka',
      pendingRows: 1,
      plaintextValues: 2,
      currentKeyValues: 2,
    });
    expect((await raw())[1]?.phone_number).toBe('+44 7700 900123');
    const rotate = await runCli(['keys', 'rotate'], { env });
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stdout).toContain('key "ka": 1 row updated in 1 batch: 2 plaintext values encrypted');
    expect(rotate.stdout).toContain('nothing left to rotate');
    expect(
      (await raw()).every((r) => keyIdOf(r.phone_number) === 'ka' && keyIdOf(r.problem_description) === 'ka'),
    ).toBe(true);
  });

  it('`keys rotate` moves every row from key A to key B in batches, and a second run finds nothing to do', async () => {
    for (let i = 1; i <= 4; i++) await insertLead(db.pool, { leadId: `HS-20250101-ROT00${i}` });
    // Key B first (it encrypts), key A kept so that what it encrypted can be read.
    const env = { DATABASE_URL: db.url, HERMES_DATA_KEY: `${keyB},${keyA}` };
    const rotate = await runCli(['keys', 'rotate', '--batch-size', '2', '--json'], { env });
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(JSON.parse(rotate.stdout)).toMatchObject({
      currentKeyId: 'kb',
      batches: 3,
      rowsUpdated: 6,
      encrypted: 8,
      reencrypted: { ka: 4 },
      undecryptable: [],
      remaining: { pendingRows: 0, plaintextValues: 0, otherKeyValues: {} },
    });
    expect(rotate.stderr).toContain('hermes: batch 3: 2 rows updated');
    const rows = await raw();
    expect(rows).toHaveLength(6);
    expect(
      rows.every((r) => keyIdOf(r.phone_number) === 'kb' && keyIdOf(r.problem_description) === 'kb'),
    ).toBe(true);
    const again = await runCli(['keys', 'rotate', '--json'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({
      batches: 0,
      rowsUpdated: 0,
      remaining: { pendingRows: 0 },
    });
    // Key A may now go: B alone reads everything.
    const show = await runCli(['leads', 'show', leadId, '--json'], {
      env: { DATABASE_URL: db.url, HERMES_DATA_KEY: keyB },
    });
    expect(JSON.parse(show.stdout)).toMatchObject({ problem_description: lead.problem_description });
  });

  it('`keys rotate` leaves a value no configured key decrypts as it is, names its lead and exits 2', async () => {
    const env = { DATABASE_URL: db.url, HERMES_DATA_KEY: keyA };
    const rotate = await runCli(['keys', 'rotate', '--batch-size', '4'], { env });
    expect(rotate.code).toBe(2);
    expect(rotate.stderr).toContain('6 leads could not be decrypted with the configured keys');
    expect(rotate.stderr).toContain(leadId);
    expect((await raw()).every((r) => keyIdOf(r.phone_number) === 'kb')).toBe(true);
  });
});

describe('start-up without a data key', () => {
  it('refuses production (exit 2, naming HERMES_DATA_KEY) and warns elsewhere', async () => {
    const production = await runCli(['serve'], { env: { NODE_ENV: 'production', PORT: '0' } });
    expect(production.code).toBe(2);
    expect(production.stderr).toContain('no data key for production');
    expect(production.stderr).toContain(
      'HERMES_DATA_KEY: phone numbers and problem descriptions would be encrypted with the published development key',
    );
    const worker = await runCli(['worker'], { env: { NODE_ENV: 'production' } });
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain('[config_invalid]');
    // Elsewhere it starts (here the worker then stops: no n8n URL), having said so.
    const db = await createTestDatabase({ migrate: true });
    const development = await runCli(['worker'], { env: { DATABASE_URL: db.url } });
    expect(development.stderr).toContain(
      'hermes: warning: no data key configured: phone numbers and problem descriptions are encrypted with the published development key',
    );
    expect(development.stderr).not.toContain('[config_invalid]');
  });
});
