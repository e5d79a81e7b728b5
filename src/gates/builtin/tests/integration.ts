import type { Gate } from '../../gate.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { judgeProjectTests } from './project-tests.ts';

export const integrationTestsGate: Gate = {
  id: 'tests.integration',
  stage: 'pre-deploy',
  title: 'Integration tests',
  description:
    'Runs `vitest run --project integration --reporter=json` (real PostgreSQL, HTTP and subprocesses): every test passes. Skipped inside a test run a gate started (HERMES_GATES_NESTED=1).',
  spec: '§1.2.2',
  timeoutMs: 1_800_000,
  thresholds: (config) =>
    describeThresholds(config, 'tests', 'integration', {
      passRate: 'minimum pass rate (%)',
      project: 'the vitest project run',
    }),
  run: (ctx) => judgeProjectTests(ctx, gateThresholds(ctx.config).tests.integration),
};
