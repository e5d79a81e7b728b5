import { describe, expect, it } from 'vitest';
import { judgeServiceRole } from '../../../src/gates/builtin/db/service-role/judge-service-role.ts';
import type { RoleFacts } from '../../../src/gates/builtin/db/service-role/read-role-facts.ts';
import { servicePrivileges } from '../../../src/gates/builtin/db/service-role/service-privileges.ts';

const exactRights = Object.entries(servicePrivileges).flatMap(([table, privileges]) =>
  privileges.map((privilege) => ({ table, privilege })),
);

const facts = (overrides: Partial<RoleFacts> = {}): RoleFacts => ({
  role: 'svc',
  exists: true,
  superuser: false,
  bypassRls: false,
  owns: [],
  canCreateIn: [],
  rights: exactRights,
  ...overrides,
});

const levels = (findings: { level: string }[]) => findings.map((f) => f.level);

describe('judgeServiceRole', () => {
  it('passes exactly the rights the service uses', () => {
    expect(levels(judgeServiceRole(facts(), [], true, 'configured'))).toEqual(['pass']);
  });
  it('warns on the owner outside production and fails it in production, naming what it owns', () => {
    const owner = facts({ owns: ['public.hermes_leads', 'public.hermes_outbox'] });
    const dev = judgeServiceRole(owner, [], false, 'sessions');
    expect(dev).toEqual([
      {
        level: 'warn',
        text: 'the service connects as svc (sessions), which owns 2 tables (public.hermes_leads, public.hermes_outbox): it may alter or drop them; give it a role of its own (`hermes ops service-role --login NAME`; migrations run as database.migrationUrl)',
      },
    ]);
    expect(levels(judgeServiceRole(owner, [], true, 'sessions'))).toEqual(['fail']);
  });
  it('warns on rights the service uses and lacks, and on DML it does not use outside hermes_ops', () => {
    const lacking = facts({
      rights: [
        ...exactRights.filter((r) => r.table !== 'public.hermes_deliveries'),
        { table: 'public.hermes_outbox', privilege: 'DELETE' },
      ],
    });
    const findings = judgeServiceRole(lacking, [], true, 'configured');
    expect(findings).toEqual([
      { level: 'warn', text: 'svc has rights the service does not use: public.hermes_outbox (DELETE)' },
      {
        level: 'warn',
        text: 'svc lacks rights the service uses: public.hermes_deliveries (SELECT, INSERT) (migration 0042 grants them to hermes_service)',
      },
    ]);
  });
  it('fails DDL, schema rights and hermes_ops extras together, and a role that does not exist warns', () => {
    const loose = facts({
      canCreateIn: ['database', 'hermes_ops'],
      rights: [...exactRights, { table: 'hermes_ops.deployments', privilege: 'UPDATE' }],
    });
    expect(judgeServiceRole(loose, [], false, 'configured').map((f) => f.text)).toEqual([
      'svc may CREATE in the database, schema hermes_ops: the service could change the schema (DDL)',
      'svc has rights on hermes_ops it does not need: hermes_ops.deployments (UPDATE)',
    ]);
    expect(levels(judgeServiceRole(facts({ exists: false }), [], false, 'configured'))).toEqual(['warn']);
  });
});
