import type { Gate } from '../../gate.ts';
import { assetsValidateGate } from './assets-validate.ts';
import { backupGate } from './backup.ts';
import { buildGates } from './build.ts';
import { deployApiGate } from './deploy-api.ts';
import { healthDeploymentGate } from './health-deployment.ts';
import { loadDeploymentGate } from './load-deployment.ts';
import { migrateProductionGate } from './migrate-production.ts';
import type { PipelineHooks } from './pipeline-hooks.ts';
import { preDeployPassedGate } from './pre-deploy-passed.ts';
import { standaloneHooks } from './standalone-hooks.ts';

/**
 * The deployment's steps in the order `hermes deploy` runs them (§2, DESIGN.md): each depends on
 * the one before, so a failed step skips every later one.
 */
export const deploySteps = [
  'deploy.pre-deploy',
  'build.production',
  'assets.validate',
  'db.backup',
  'db.migrate.production',
  'deploy.api',
  'health.deployment',
  'load.deployment',
] as const;
export type DeployStep = (typeof deploySteps)[number];

/** The deploy stage's built-in gates (§2); `hooks` tie the steps to a deployment (standalone: none). */
export function deployGates(hooks: PipelineHooks = standaloneHooks): Gate[] {
  const builds = buildGates();
  const staging = builds.find((gate) => gate.id === 'build.staging');
  const production = builds.find((gate) => gate.id === 'build.production');
  const steps: Record<DeployStep, Gate | undefined> = {
    'deploy.pre-deploy': preDeployPassedGate(hooks),
    'build.production': production,
    'assets.validate': assetsValidateGate(hooks),
    'db.backup': backupGate(hooks),
    'db.migrate.production': migrateProductionGate(hooks),
    'deploy.api': deployApiGate(hooks),
    'health.deployment': healthDeploymentGate(hooks),
    'load.deployment': loadDeploymentGate(hooks),
  };
  const chained = deploySteps.flatMap((id, index) => {
    const gate = steps[id];
    if (!gate) return [];
    const before = deploySteps[index - 1];
    return [before === undefined ? gate : { ...gate, dependsOn: [...(gate.dependsOn ?? []), before] }];
  });
  return [...(staging ? [staging] : []), ...chained];
}
