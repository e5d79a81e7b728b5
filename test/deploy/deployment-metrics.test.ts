import { describe, expect, it } from 'vitest';
import { toDeploymentDetails } from '../../src/deploy/ledger/deployment-details.ts';
import { deploymentDuration, toDeploymentMetrics } from '../../src/deploy/ledger/deployment-metrics.ts';
import { aDeployment } from './support/deployment-fixture.ts';

// The spec's DeploymentMetrics (§6.1.1), as `hermes deployments list --json` prints it.
const metricsKeys = [
  'deploymentId',
  'timestamp',
  'duration',
  'success',
  'qualityGatesPassed',
  'qualityGatesTotal',
  'rollbackTriggered',
  'version',
  'status',
  'target',
];

describe('toDeploymentMetrics', () => {
  it('is the spec’s fields and version, status and target: no more, no fewer', () => {
    const metrics = toDeploymentMetrics(aDeployment());
    expect(Object.keys(metrics).sort()).toEqual([...metricsKeys].sort());
    expect(metrics).toEqual({
      deploymentId: '3f2a9c1e-0b4d-4c6e-8f10-1a2b3c4d5e6f',
      timestamp: '2026-11-27T10:00:00.000Z',
      duration: 125_250,
      success: true,
      qualityGatesPassed: 18,
      qualityGatesTotal: 20,
      rollbackTriggered: false,
      version: '1.4.0+9f8e7d6',
      status: 'succeeded',
      target: 'local',
    });
  });

  it('has rollbackReason only when there is one (absent, not null: the spec’s field is optional)', () => {
    expect('rollbackReason' in toDeploymentMetrics(aDeployment())).toBe(false);
    const rolledBack = toDeploymentMetrics(
      aDeployment({
        status: 'rolled_back',
        rollbackTriggered: true,
        rollbackReason: 'error rate 7.2% > 5% over 5m',
        rolledBackAt: new Date('2026-11-27T10:30:00Z'),
      }),
    );
    expect(rolledBack).toMatchObject({
      rollbackTriggered: true,
      rollbackReason: 'error rate 7.2% > 5% over 5m',
      success: false,
      status: 'rolled_back',
    });
    expect(Object.keys(rolledBack).sort()).toEqual([...metricsKeys, 'rollbackReason'].sort());
  });

  it('is a success only when the deployment succeeded', () => {
    for (const status of ['running', 'failed', 'rolled_back'] as const)
      expect(toDeploymentMetrics(aDeployment({ status })).success, status).toBe(false);
  });

  it('gives a running deployment the time so far, measured to when it was read', () => {
    const running = aDeployment({
      status: 'running',
      finishedAt: null,
      durationMs: null,
      startedAt: new Date('2026-11-27T10:00:00.000Z'),
      readAt: new Date('2026-11-27T10:00:42.500Z'),
    });
    expect(toDeploymentMetrics(running).duration).toBe(42_500);
    // A clock that stepped back between the start and the read does not make it negative.
    expect(deploymentDuration({ ...running, readAt: new Date('2026-11-27T09:59:59.000Z') })).toBe(0);
  });
});

describe('toDeploymentDetails', () => {
  it('is the metrics and, under details, the rest of the row and its stage runs', () => {
    const d = aDeployment({
      status: 'failed',
      failedStep: 'migrate',
      failureReason: '0042_x failed: lock timeout',
      releaseHandle: 'green',
      previousDeploymentId: '11111111-2222-4333-8444-555555555555',
      backupName: '2026-11-27-09-59',
      schemaVersionBefore: '0041',
      schemaVersionAfter: null,
      skippedStages: ['pre-deploy'],
      skipReason: 'passing pre-deploy run 77 of this commit, 4 min old',
    });
    const shown = toDeploymentDetails(d, [
      {
        id: 'aaaaaaaa-0000-4000-8000-000000000001',
        stage: 'deploy',
        status: 'failed',
        startedAt: new Date(),
      },
    ]);
    expect(Object.keys(shown).sort()).toEqual([...metricsKeys, 'details'].sort());
    expect(shown.details).toEqual({
      gitCommit: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
      source: '/srv/shop',
      previousDeploymentId: '11111111-2222-4333-8444-555555555555',
      releaseHandle: 'green',
      failedStep: 'migrate',
      failureReason: '0042_x failed: lock timeout',
      finishedAt: '2026-11-27T10:02:05.250Z',
      backupName: '2026-11-27-09-59',
      schemaVersionBefore: '0041',
      schemaVersionAfter: null,
      skippedStages: ['pre-deploy'],
      skipReason: 'passing pre-deploy run 77 of this commit, 4 min old',
      rolledBackAt: null,
      runner: { pid: 4242, host: 'deploy-1' },
      hermesVersion: '0.1.0',
      gateRuns: [{ id: 'aaaaaaaa-0000-4000-8000-000000000001', stage: 'deploy', status: 'failed' }],
    });
    const rolledBack = toDeploymentDetails(
      aDeployment({
        status: 'rolled_back',
        rollbackTriggered: true,
        rolledBackAt: new Date('2026-11-27T12:00:00Z'),
      }),
      [],
    );
    expect(rolledBack.details).toMatchObject({ rolledBackAt: '2026-11-27T12:00:00.000Z', gateRuns: [] });
  });
});
