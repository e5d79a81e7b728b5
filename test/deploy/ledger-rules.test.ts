import { describe, expect, it } from 'vitest';
import type { ProcessIdentity } from '../../src/db/process-identity.ts';
import { insertedDeployment } from '../../src/deploy/ledger/deployment-row.ts';
import { deploymentRef, parseDeploymentRef } from '../../src/deploy/ledger/deployment-ref.ts';
import { pickDeployment } from '../../src/deploy/ledger/get-deployment.ts';
import { ledgerError } from '../../src/deploy/ledger/ledger-error.ts';
import { interruptedAmong, interruptionReason } from '../../src/deploy/ledger/mark-interrupted.ts';
import { changeRefusal } from '../../src/deploy/ledger/refuse-change.ts';
import { patchDocument } from '../../src/deploy/ledger/update-deployment.ts';
import { aDeployment } from './support/deployment-fixture.ts';

const id = '3f2a9c1e-0b4d-4c6e-8f10-1a2b3c4d5e6f';

describe('a deployment reference (an id or its first 8+ hex digits)', () => {
  it('reads a prefix as the range of ids it starts', () => {
    expect(parseDeploymentRef('3f2a9c1e')).toEqual({
      text: '3f2a9c1e',
      low: '3f2a9c1e-0000-0000-0000-000000000000',
      high: '3f2a9c1e-ffff-ffff-ffff-ffffffffffff',
    });
    expect(parseDeploymentRef('3F2A9C1E-0B')).toEqual({
      text: '3f2a9c1e-0b',
      low: '3f2a9c1e-0b00-0000-0000-000000000000',
      high: '3f2a9c1e-0bff-ffff-ffff-ffffffffffff',
    });
    // A whole id is the range of one, hyphen included at the end of a group.
    expect(parseDeploymentRef(id)).toEqual({ text: id, low: id, high: id });
    expect(parseDeploymentRef('3f2a9c1e-')?.low).toBe('3f2a9c1e-0000-0000-0000-000000000000');
  });

  it('refuses fewer than 8 hex digits, other characters, hyphens out of place and more than an id', () => {
    for (const bad of ['', '3f2a9c1', '3f2a9c1g', '3f2a-9c1e', '3f2a9c1e0b4d', `${id}0`, ' - '])
      expect(parseDeploymentRef(bad), bad).toBeNull();
    expect(() => deploymentRef('3f2a')).toThrow(
      expect.objectContaining({
        code: 'invalid_argument',
        message: 'expected a deployment id, or its first 8 or more hex digits, got "3f2a"',
      }),
    );
    expect(deploymentRef('3f2a9c1e').text).toBe('3f2a9c1e');
  });

  it('names the one deployment found, or says none or which several', () => {
    const ref = deploymentRef('3f2a9c1e');
    const one = aDeployment();
    expect(pickDeployment(ref, [one])).toBe(one);
    expect(() => pickDeployment(ref, [])).toThrow(
      expect.objectContaining({ code: 'deployment_not_found', message: 'no deployment 3f2a9c1e' }),
    );
    const two = [one, aDeployment({ id: '3f2a9c1e-ffff-4000-8000-000000000000', status: 'failed' })];
    try {
      pickDeployment(ref, two);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'deployment_id_ambiguous',
        message: '3f2a9c1e matches 2 deployments',
        details: [
          `${id}  2026-11-27T10:00:00.000Z  1.4.0+9f8e7d6  succeeded`,
          '3f2a9c1e-ffff-4000-8000-000000000000  2026-11-27T10:00:00.000Z  1.4.0+9f8e7d6  failed',
          'give more of the id',
        ],
      });
    }
    // The query asks for one more than it names: that one only says there are more.
    const six = Array.from({ length: 6 }, () => one);
    expect(() => pickDeployment(ref, six)).toThrow('3f2a9c1e matches more than 5 deployments');
  });
});

describe('the ledger’s refusals', () => {
  it('says whether the deployment is missing or in a status the change does not start from', () => {
    expect(changeRefusal(id, 'finish', null)).toMatchObject({
      code: 'deployment_not_found',
      message: `no deployment ${id}`,
    });
    expect(changeRefusal(id, 'finish', 'succeeded')).toMatchObject({
      code: 'deployment_status_conflict',
      message: `cannot finish deployment ${id}: it is succeeded`,
      details: ['only a deployment that is running can be changed so'],
    });
    expect(changeRefusal(id, 'roll back', 'running')).toMatchObject({
      code: 'deployment_status_conflict',
      details: ['only a deployment that is succeeded or failed can be changed so'],
    });
  });

  it('names a missing ledger with the command that makes it; passes other database errors on', () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(
      ledgerError(pgError('42P01', 'relation "hermes_ops.deployments" does not exist'), 'x'),
    ).toMatchObject({
      code: 'deployments_ledger_missing',
      message: 'hermes_ops.deployments does not exist',
      details: ['run `hermes migrate up` (Hermes) or `hermes ops init` (another project) first'],
    });
    expect(ledgerError(pgError('42703', 'column "deployment_id" does not exist'), 'x')).toMatchObject({
      code: 'deployments_ledger_missing',
      message: 'the deployments ledger is older than this Hermes',
    });
    expect(ledgerError(pgError('57014', 'canceling statement'), 'reading')).toMatchObject({
      code: 'db_statement_timeout',
      message: 'reading: canceling statement',
    });
  });

  it('treats an INSERT that returned no row as a bug, not as a deployment', () => {
    expect(() => insertedDeployment([])).toThrow('INSERT INTO hermes_ops.deployments returned no row');
  });
});

describe('updateDeployment’s patch', () => {
  it('keeps only the patchable keys that are given; null clears, undefined leaves as is', () => {
    const patch = {
      releaseHandle: 'blue',
      gatesPassed: 3,
      backupName: null,
      schemaVersionAfter: undefined,
      // Not patchable: a caller spreading a whole row cannot change its status this way.
      status: 'succeeded',
    };
    expect(patchDocument(patch)).toEqual({ releaseHandle: 'blue', gatesPassed: 3, backupName: null });
    expect(patchDocument({})).toEqual({});
  });
});

describe('which running deployments were interrupted', () => {
  it('is those whose runner is dead: alive and unknown (another host) stay running', () => {
    const runner = (pid: number): ProcessIdentity => ({
      pid,
      hostname: 'deploy-1',
      bootId: null,
      pidNamespace: null,
      startTicks: null,
    });
    const running = [1, 2, 3].map((pid) =>
      aDeployment({
        id: `0000000${String(pid)}-0000-4000-8000-000000000000`,
        status: 'running',
        runner: runner(pid),
      }),
    );
    const liveness = (r: ProcessIdentity) => (['dead', 'alive', 'unknown'] as const)[r.pid - 1] ?? 'unknown';
    expect(interruptedAmong(running, liveness).map((d) => d.runner.pid)).toEqual([1]);
    expect(interruptionReason(running[0] ?? aDeployment())).toBe(
      'the deploying process (pid 1 on deploy-1) is gone: it ended before the deployment finished',
    );
  });
});
