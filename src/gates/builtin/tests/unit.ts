import type { Gate } from '../../gate.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { judgeProjectTests } from './project-tests.ts';

export const unitTestsGate: Gate = {
  id: 'tests.unit',
  stage: 'pre-deploy',
  title: 'Unit tests',
  description:
    'Runs `vitest run --project unit --reporter=json` (or the configured `command`): every test passes and the run (wall clock, start-up included) takes less than the limit. It keeps a run of its own, not the one tests.integration and tests.coverage share, because its limit is on its own wall clock. Skips when the repository has no such vitest project, and inside a test run a gate started (HERMES_GATES_NESTED=1).',
  spec: '§1.2.1',
  timeoutMs: 600_000,
  thresholds: (config) =>
    describeThresholds(config, 'tests', 'unit', {
      passRate: 'minimum pass rate (%)',
      maxDurationMs: 'maximum run time (ms)',
      project: 'the vitest project run',
      command: 'a command writing a Jest-compatible JSON report to {report} (default: vitest)',
    }),
  run: (ctx) => judgeProjectTests(ctx, gateThresholds(ctx.config).tests.unit, 'tests.unit'),
};
