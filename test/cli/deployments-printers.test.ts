import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  interruptedLine,
  printDeployment,
  printDeploymentList,
} from '../../src/cli/commands/deployments/print-deployments.ts';
import { createOutput, type Output } from '../../src/cli/output.ts';
import { aDeployment } from '../deploy/support/deployment-fixture.ts';

/** An Output whose stdout is kept: what the reader of a terminal would see. */
function captured(): { output: Output; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { output: createOutput(false, sink, sink), text: () => text };
}

const running = aDeployment({
  id: '0a1b2c3d-0000-4000-8000-000000000002',
  version: '1.5.0',
  status: 'running',
  finishedAt: null,
  durationMs: null,
  gatesPassed: 4,
  gatesTotal: 9,
  readAt: new Date('2026-11-27T12:00:12.300Z'),
  startedAt: new Date('2026-11-27T12:00:00.000Z'),
});

describe('hermes deployments list: the table', () => {
  it('says when the ledger is empty', () => {
    const { output, text } = captured();
    printDeploymentList(output, []);
    expect(text()).toBe('no deployments recorded\n');
  });

  it('shows each deployment on one line: short id, start, version, target, status, gates, duration, rollback', () => {
    const { output, text } = captured();
    printDeploymentList(output, [
      running,
      aDeployment({
        status: 'rolled_back',
        rollbackTriggered: true,
        rollbackReason: 'error rate 7.2% > 5%',
        rolledBackAt: new Date('2026-11-27T11:00:00Z'),
        target: 'vercel',
      }),
      aDeployment({ id: 'ffffffff-0000-4000-8000-000000000000', rollbackTriggered: true, durationMs: 850 }),
    ]);
    expect(text()).toBe(
      [
        'ID        STARTED               VERSION        TARGET  STATUS       GATES  DURATION       ROLLBACK',
        '0a1b2c3d  2026-11-27T12:00:00Z  1.5.0          local   running      4/9    12.3 s so far  -',
        '3f2a9c1e  2026-11-27T10:00:00Z  1.4.0+9f8e7d6  vercel  rolled_back  18/20  2 min 5 s      error rate 7.2% > 5%',
        'ffffffff  2026-11-27T10:00:00Z  1.4.0+9f8e7d6  local   succeeded    18/20  850 ms         triggered',
        '',
      ].join('\n'),
    );
  });
});

describe('hermes deployments show: the block', () => {
  const lines = (
    d: Parameters<typeof printDeployment>[1],
    runs: Parameters<typeof printDeployment>[2] = [],
  ) => {
    const { output, text } = captured();
    printDeployment(output, d, runs);
    return text().trimEnd().split('\n');
  };

  it('shows a plain success with a dash for what it has not', () => {
    expect(lines(aDeployment())).toEqual([
      'deployment  3f2a9c1e-0b4d-4c6e-8f10-1a2b3c4d5e6f',
      'status      succeeded',
      'version     1.4.0+9f8e7d6',
      'commit      9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
      'source      /srv/shop',
      'target      local',
      'started     2026-11-27T10:00:00Z',
      'finished    2026-11-27T10:02:05Z (took 2 min 5 s)',
      'gates       18/20 passed',
      'previous    - (the first deployment)',
      'backup      -',
      'schema      -',
      'rollback    -',
      'runner      pid 4242 on deploy-1, Hermes 0.1.0',
      'gate runs   -',
    ]);
  });

  it('shows the failed step and its reason, the skip and its reason, the release, the backup and the schema', () => {
    const shown = lines(
      aDeployment({
        status: 'rolled_back',
        failedStep: 'post-deploy',
        failureReason: 'smoke test /health answered 503',
        gitCommit: null,
        releaseHandle: 'green',
        previousDeploymentId: '11111111-2222-4333-8444-555555555555',
        backupName: '2026-11-27-09-59',
        schemaVersionBefore: '0041',
        schemaVersionAfter: null,
        skippedStages: ['pre-deploy'],
        skipReason: 'passing pre-deploy run of this commit, 4 min old',
        rollbackTriggered: true,
        rollbackReason: null,
        rolledBackAt: new Date('2026-11-27T10:03:00.000Z'),
      }),
      [
        {
          id: 'aaaaaaaa-0000-4000-8000-000000000001',
          stage: 'deploy',
          status: 'passed',
          startedAt: new Date(),
        },
        {
          id: 'aaaaaaaa-0000-4000-8000-000000000002',
          stage: 'post-deploy',
          status: 'failed',
          startedAt: new Date(),
        },
      ],
    );
    expect(shown).toEqual([
      'deployment  3f2a9c1e-0b4d-4c6e-8f10-1a2b3c4d5e6f',
      'status      rolled_back',
      'failed at   post-deploy: smoke test /health answered 503',
      'version     1.4.0+9f8e7d6',
      'commit      - (the source is not a git checkout)',
      'source      /srv/shop',
      'target      local (release green)',
      'started     2026-11-27T10:00:00Z',
      'finished    2026-11-27T10:02:05Z (took 2 min 5 s)',
      'gates       18/20 passed',
      'previous    11111111-2222-4333-8444-555555555555',
      'backup      2026-11-27-09-59',
      'schema      0041 → ?',
      'skipped     pre-deploy: passing pre-deploy run of this commit, 4 min old',
      'rollback    rolled back 2026-11-27T10:03:00Z: no reason recorded',
      'runner      pid 4242 on deploy-1, Hermes 0.1.0',
      'gate runs   aaaaaaaa-0000-4000-8000-000000000001  deploy  passed',
      '            aaaaaaaa-0000-4000-8000-000000000002  post-deploy  failed',
    ]);
  });

  it('shows a running deployment’s time so far, a rollback only triggered, a schema with no before', () => {
    const shown = lines({
      ...running,
      rollbackTriggered: true,
      rollbackReason: 'p95 1400ms > 1000ms',
      schemaVersionAfter: '0042',
    });
    expect(shown).toContain('finished    - (running, 12.3 s so far)');
    expect(shown).toContain('rollback    triggered: p95 1400ms > 1000ms');
    expect(shown).toContain('schema      ? → 0042');
  });
});

describe('the note for an interrupted deployment', () => {
  it('names it by its short id and version, with the reason it was marked', () => {
    expect(
      interruptedLine(
        aDeployment({
          status: 'failed',
          failedStep: 'interrupted',
          failureReason: 'the deploying process is gone',
        }),
      ),
    ).toBe(
      'hermes: deployment 3f2a9c1e (1.4.0+9f8e7d6) was interrupted and is now marked failed: the deploying process is gone',
    );
  });
});
