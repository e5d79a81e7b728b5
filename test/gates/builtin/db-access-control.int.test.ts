import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataProtectionGate } from '../../../src/gates/builtin/db/data-protection.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { validLead } from '../../intake/support/valid-lead.ts';
import { startN8nReceiver, type N8nReceiver } from '../../support/n8n-receiver.ts';
import { runCli } from '../../support/run-cli.ts';
import { startServe, type ServeProcess } from '../../support/serve-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { adminQuery } from '../../support/test-server.ts';
import { gateContext } from './support/gate-context.ts';
import { insertRealLeads } from './support/insert-lead.ts';

// §3.3.2 "access controls enforced", against a real `hermes serve` logged in as a member of
// hermes_service (migration 0042's role, given to it by `hermes ops service-role --login`), and
// faults planted in that role's grants. This file's own connection is the superuser postgres.

const adminKey = 'an-access-control-test-admin-key-0123456789'; // secretlint-disable-line -- a test key
// A role belongs to the cluster: a name of this run's own, dropped afterwards.
const login = `hermes_svc_test_${randomBytes(4).toString('hex')}`;

let db: TestDatabase;
let receiver: N8nReceiver;
let release: ServeProcess | undefined;

/** The test database's URL with another user (trust authentication: no password). */
const asRole = (url: string, role: string): string => {
  const parsed = new URL(url);
  parsed.username = role;
  return parsed.toString();
};

async function runGate(settings: { serviceRole?: string; environment?: string } = {}): Promise<GateOutcome> {
  const ctx = gateContext({
    databaseUrl: db.url,
    config: {
      ...(settings.environment ? { environment: settings.environment } : {}),
      gates: { thresholds: { db: { dataProtection: { serviceRole: settings.serviceRole ?? null } } } },
    },
  });
  const outcome = await dataProtectionGate.run(ctx);
  await ctx.close();
  return outcome;
}

const accessFindings = (outcome: GateOutcome) =>
  outcome.evidence?.find((e) => e.title === 'access control findings')?.content as {
    level: string;
    finding: string;
  }[];

beforeAll(async () => {
  [db, receiver] = await Promise.all([createTestDatabase({ migrate: true }), startN8nReceiver()]);
  await insertRealLeads(db.pool);
}, 60_000);

afterAll(async () => {
  release?.child.kill('SIGTERM');
  await new Promise((done) => setTimeout(done, 500));
  await receiver.close();
  await db.drop();
  await adminQuery(`DROP ROLE IF EXISTS ${login}`);
});

describe('hermes ops service-role', () => {
  it('--dry-run prints the grants and the login it would create, and creates nothing', async () => {
    const result = await runCli(['ops', 'service-role', '--login', login, '--dry-run'], {
      env: { DATABASE_URL: db.url },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('GRANT SELECT, INSERT, UPDATE, DELETE ON hermes_leads TO hermes_service');
    expect(result.stdout).toContain(`CREATE ROLE ${login} LOGIN IN ROLE hermes_service`);
    const { rows } = await db.pool.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login]);
    expect(rows).toEqual([]);
  });

  it('refuses a superuser login and a name it cannot take, saying why', async () => {
    const superuser = await runCli(['ops', 'service-role', '--login', 'postgres'], {
      env: { DATABASE_URL: db.url },
    });
    expect(superuser.code).toBe(1);
    expect(superuser.stderr).toContain('postgres is a superuser');
    expect(superuser.stderr).toContain('[service_role_refused]');
    const bad = await runCli(['ops', 'service-role', '--login', 'Robert"; DROP'], {
      env: { DATABASE_URL: db.url },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--login: expected a role name');
  });

  it('creates the login in hermes_service, as the owner given by HERMES_MIGRATION_DATABASE_URL', async () => {
    // DATABASE_URL is the login-to-be's, which cannot connect yet: the command must use the owner's.
    const result = await runCli(['ops', 'service-role', '--login', login], {
      env: { DATABASE_URL: asRole(db.url, login), HERMES_MIGRATION_DATABASE_URL: db.url },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`✔ created login role ${login}`);
    const { rows } = await db.pool.query<{ member: boolean }>(
      "SELECT pg_has_role($1, 'hermes_service', 'MEMBER') AS member",
      [login],
    );
    expect(rows).toEqual([{ member: true }]);
  });
});

describe('database.migrationUrl', () => {
  it('migrates as the owner it names while DATABASE_URL is the service role, which could not', async () => {
    const fresh = await createTestDatabase();
    try {
      const env = { DATABASE_URL: asRole(fresh.url, login) };
      const refused = await runCli(['migrate', 'up'], { env });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('permission denied');
      const migrated = await runCli(['migrate', 'up'], {
        env: { ...env, HERMES_MIGRATION_DATABASE_URL: fresh.url },
      });
      expect(migrated.code, migrated.stderr).toBe(0);
      const { rows } = await fresh.pool.query<{ owner: string }>(
        "SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'hermes_leads'",
      );
      expect(rows).toEqual([{ owner: 'postgres' }]);
    } finally {
      await fresh.drop();
    }
  }, 60_000);
});

describe('the service on its own role', () => {
  it('takes, stores and delivers a lead, and answers the admin API, with only hermes_service’s rights', async () => {
    release = await startServe({
      DATABASE_URL: asRole(db.url, login),
      HERMES_MIGRATION_DATABASE_URL: db.url,
      PORT: '0',
      LOG_LEVEL: 'warn',
      HERMES_N8N_WEBHOOK_URL: receiver.url,
      HERMES_ADMIN_API_KEYS: adminKey,
      HERMES_RATE_LIMIT: 'off',
    });
    const posted = await fetch(`${release.url}/api/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validLead()),
    });
    expect(posted.status, await posted.clone().text()).toBe(201);
    const { lead_id: leadId } = (await posted.json()) as { lead_id: string };
    await receiver.waitForDelivered(1, 20_000);
    const health = await fetch(`${release.url}/health/database`);
    expect(health.status).toBe(200);
    const shown = await fetch(`${release.url}/api/admin/leads/${leadId}`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(shown.status).toBe(200);
    // It writes leads, but not the schema, nor the gate history: as PostgreSQL itself says.
    const service = new pg.Client({ connectionString: asRole(db.url, login) });
    await service.connect();
    try {
      await expect(service.query('CREATE TABLE hermes_sneaky (id int)')).rejects.toThrow(/permission denied/);
      await expect(service.query('TRUNCATE hermes_leads')).rejects.toThrow(/permission denied/);
      await expect(service.query('SELECT 1 FROM hermes_ops.gate_runs')).rejects.toThrow(/permission denied/);
    } finally {
      await service.end();
    }
  }, 60_000);

  it('db.data-protection finds the service’s role from its sessions and passes its access control', async () => {
    // (Its leads went in as plaintext, around the intake: the encryption criterion is not this file's.)
    const outcome = await runGate();
    expect(accessFindings(outcome)).toEqual([
      {
        level: 'pass',
        finding: `the service's role ${login} (the service's connected sessions) has the rights it uses and no more: no DDL, no TRUNCATE, nothing on the gate history or the ledger; nothing granted to PUBLIC`,
      },
    ]);
  });
});

describe('db.data-protection on planted access faults', () => {
  // Each planted on this database's objects only (grants are per database), then taken back.
  const planted = async (grant: string, revoke: string): Promise<GateOutcome> => {
    await db.pool.query(grant);
    try {
      return await runGate({ serviceRole: 'hermes_service' });
    } finally {
      await db.pool.query(revoke);
    }
  };

  it('fails a role that may TRUNCATE, naming the table', async () => {
    const outcome = await planted(
      'GRANT TRUNCATE ON hermes_leads TO hermes_service',
      'REVOKE TRUNCATE ON hermes_leads FROM hermes_service',
    );
    expect(outcome.status).toBe('fail');
    expect(accessFindings(outcome).map((f) => f.level)).toEqual(['fail']);
    expect(outcome.summary).toContain(
      "access control: hermes_service has public.hermes_leads (TRUNCATE): never the service's to use",
    );
  });

  it('fails a role with DDL rights (CREATE on a schema)', async () => {
    const outcome = await planted(
      'GRANT CREATE ON SCHEMA public TO hermes_service',
      'REVOKE CREATE ON SCHEMA public FROM hermes_service',
    );
    expect(outcome.status).toBe('fail');
    expect(accessFindings(outcome).map((f) => f.level)).toEqual(['fail']);
    expect(outcome.summary).toContain('hermes_service may CREATE in schema public');
  });

  it('fails rights on hermes_ops the service does not use (the gate history)', async () => {
    const outcome = await planted(
      'GRANT SELECT, INSERT ON hermes_ops.gate_runs TO hermes_service',
      'REVOKE SELECT, INSERT ON hermes_ops.gate_runs FROM hermes_service',
    );
    expect(outcome.status).toBe('fail');
    expect(accessFindings(outcome).map((f) => f.level)).toEqual(['fail']);
    expect(outcome.summary).toContain(
      'hermes_service has rights on hermes_ops it does not need: hermes_ops.gate_runs (INSERT, SELECT)',
    );
  });

  it('fails a right granted to PUBLIC', async () => {
    const outcome = await planted(
      'GRANT SELECT ON hermes_leads TO PUBLIC',
      'REVOKE SELECT ON hermes_leads FROM PUBLIC',
    );
    expect(outcome.status).toBe('fail');
    expect(accessFindings(outcome).map((f) => f.level)).toEqual(['fail']);
    expect(outcome.summary).toContain('granted to PUBLIC (every role): public.hermes_leads (SELECT)');
  });

  it('warns when the service connects as a superuser, and fails it in production', async () => {
    const outcome = await runGate({ serviceRole: 'postgres' });
    expect(accessFindings(outcome).map((f) => f.level)).toEqual(['warn']);
    expect(outcome.summary).toContain('the service connects as postgres');
    expect(outcome.summary).toContain('a superuser');
    const production = await runGate({ serviceRole: 'postgres', environment: 'production' });
    expect(accessFindings(production).map((f) => f.level)).toEqual(['fail']);
    expect(production.status).toBe('fail');
  });
});
