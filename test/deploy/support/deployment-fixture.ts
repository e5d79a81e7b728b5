import type { Deployment } from '../../../src/deploy/ledger/deployment.ts';

/** A finished, successful deployment as the ledger reads it; each test changes what it is about. */
export function aDeployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: '3f2a9c1e-0b4d-4c6e-8f10-1a2b3c4d5e6f',
    version: '1.4.0+9f8e7d6',
    gitCommit: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
    source: '/srv/shop',
    previousDeploymentId: null,
    target: 'local',
    releaseHandle: null,
    status: 'succeeded',
    failedStep: null,
    failureReason: null,
    startedAt: new Date('2026-11-27T10:00:00.000Z'),
    finishedAt: new Date('2026-11-27T10:02:05.250Z'),
    durationMs: 125_250,
    gatesPassed: 18,
    gatesTotal: 20,
    backupName: null,
    schemaVersionBefore: null,
    schemaVersionAfter: null,
    skippedStages: [],
    skipReason: null,
    rollbackTriggered: false,
    rollbackReason: null,
    rolledBackAt: null,
    runner: { pid: 4242, hostname: 'deploy-1', bootId: null, pidNamespace: null, startTicks: null },
    hermesVersion: '0.1.0',
    readAt: new Date('2026-11-27T11:00:00.000Z'),
    ...overrides,
  };
}
