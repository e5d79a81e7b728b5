import { configSchema, type HermesConfig } from '../../../src/config/schema.ts';
import type { Gate, GateContext, GateOutcome, Stage } from '../../../src/gates/gate.ts';
import { planStage } from '../../../src/gates/runner/plan-stage.ts';
import { runPlannedGates, type RunEvent } from '../../../src/gates/runner/run-planned-gates.ts';
import { createSharedDatabase } from '../../../src/gates/runner/shared-database.ts';
import type { StageRun } from '../../../src/gates/stage-run-result.ts';
import { openDatabase, type Database } from '../../../src/db/open-database.ts';

/** A gate for runner tests: `run` decides the outcome. */
export function fakeGate(
  id: string,
  run: (ctx: GateContext) => Promise<GateOutcome> | GateOutcome,
  extra: Partial<Pick<Gate, 'dependsOn' | 'timeoutMs' | 'exclusive' | 'stage'>> = {},
): Gate {
  return {
    id,
    stage: extra.stage ?? 'pre-deploy',
    title: `fake ${id}`,
    description: `a fake gate for tests (${id})`,
    ...extra,
    run: async (ctx) => run(ctx),
  };
}

export const passing = (): GateOutcome => ({ status: 'pass', summary: 'fine' });
export const passWith = (summary: string): GateOutcome => ({ status: 'pass', summary });

/** The config with `gates` set as given (everything else default). */
export function configWith(gates: Record<string, unknown> = {}): Readonly<HermesConfig> {
  return configSchema.parse({ gates });
}

/** A database nobody listens on: connecting fails at once with ECONNREFUSED. */
export const unreachableUrl = 'postgresql://postgres@127.0.0.1:1/hermes_unreachable';

export function openUrl(url: string): () => Promise<Database> {
  return () =>
    openDatabase({
      url,
      embedded: { dataDir: null, maxConnections: 10 },
      pool: { max: 4, connectionTimeoutMs: 5_000, idleTimeoutMs: 1_000, statementTimeoutMs: 10_000 },
    });
}

/** Plans and runs `stage` of `gates` as the CLI does, without history or reports. */
export async function runFakes(
  gates: readonly Gate[],
  options: {
    config?: Readonly<HermesConfig>;
    only?: string[];
    stage?: Stage;
    onEvent?: (event: RunEvent) => void;
    signal?: AbortSignal;
    databaseUrl?: string;
  } = {},
): Promise<StageRun> {
  const config = options.config ?? configWith();
  const plan = planStage(gates, config, { stage: options.stage ?? 'pre-deploy', only: options.only });
  const database = createSharedDatabase(openUrl(options.databaseUrl ?? unreachableUrl));
  try {
    return await runPlannedGates({
      plan,
      config,
      cwd: process.cwd(),
      env: {},
      database,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    await database.close();
  }
}
