import type { Deployment } from '../../../deploy/ledger/deployment.ts';
import type { DeploymentGateRun } from '../../../deploy/ledger/deployment-gate-runs.ts';
import { deploymentDuration } from '../../../deploy/ledger/deployment-metrics.ts';
import { formatDuration } from '../../../text/duration.ts';
import type { Output } from '../../output.ts';
import { printTable } from '../../print-table.ts';
import { printedTime } from '../../printed-time.ts';

/** The first 8 hex digits: what `list` shows, and the shortest prefix `show` takes. */
export const shortId = (id: string): string => id.slice(0, 8);

/** The ledger's checks require some reasons, not all: one the writer left out is said to be. */
const reason = (text: string | null): string => text ?? 'no reason recorded';

function took(d: Deployment): string {
  const duration = formatDuration(deploymentDuration(d));
  return d.status === 'running' ? `${duration} so far` : duration;
}

function rollback(d: Deployment): string {
  if (!d.rollbackTriggered) return '-';
  return d.rollbackReason ?? 'triggered';
}

export function printDeploymentList(output: Output, deployments: readonly Deployment[]): void {
  if (deployments.length === 0) {
    output.line('no deployments recorded');
    return;
  }
  printTable(output, [
    ['ID', 'STARTED', 'VERSION', 'TARGET', 'STATUS', 'GATES', 'DURATION', 'ROLLBACK'],
    ...deployments.map((d) => [
      shortId(d.id),
      printedTime(d.startedAt),
      d.version,
      d.target,
      d.status,
      `${String(d.gatesPassed)}/${String(d.gatesTotal)}`,
      took(d),
      rollback(d),
    ]),
  ]);
}

/** What the block says of a deployment, one labelled line each (a value may be `-`). */
export function deploymentFacts(d: Deployment, gateRuns: readonly DeploymentGateRun[]): [string, string][] {
  const facts: [string, string][] = [
    ['deployment', d.id],
    ['status', d.status],
  ];
  if (d.failedStep !== null) facts.push(['failed at', `${d.failedStep}: ${reason(d.failureReason)}`]);
  facts.push(
    ['version', d.version],
    ['commit', d.gitCommit ?? '- (the source is not a git checkout)'],
    ['source', d.source],
    ['target', d.releaseHandle === null ? d.target : `${d.target} (release ${d.releaseHandle})`],
    ['started', printedTime(d.startedAt)],
    [
      'finished',
      d.finishedAt === null ? `- (running, ${took(d)})` : `${printedTime(d.finishedAt)} (took ${took(d)})`,
    ],
    ['gates', `${String(d.gatesPassed)}/${String(d.gatesTotal)} passed`],
    ['previous', d.previousDeploymentId ?? '- (the first deployment)'],
    ['backup', d.backupName ?? '-'],
    [
      'schema',
      d.schemaVersionBefore === null && d.schemaVersionAfter === null
        ? '-'
        : `${d.schemaVersionBefore ?? '?'} → ${d.schemaVersionAfter ?? '?'}`,
    ],
  );
  if (d.skippedStages.length > 0)
    facts.push(['skipped', `${d.skippedStages.join(', ')}: ${reason(d.skipReason)}`]);
  facts.push(
    ['rollback', rollbackFact(d)],
    ['runner', `pid ${String(d.runner.pid)} on ${d.runner.hostname}, Hermes ${d.hermesVersion}`],
  );
  if (gateRuns.length === 0) facts.push(['gate runs', '-']);
  for (const [i, run] of gateRuns.entries())
    facts.push([i === 0 ? 'gate runs' : '', `${run.id}  ${run.stage}  ${run.status}`]);
  return facts;
}

function rollbackFact(d: Deployment): string {
  if (d.rolledBackAt !== null)
    return `rolled back ${printedTime(d.rolledBackAt)}: ${reason(d.rollbackReason)}`;
  return d.rollbackTriggered ? `triggered: ${reason(d.rollbackReason)}` : '-';
}

export function printDeployment(output: Output, d: Deployment, gateRuns: readonly DeploymentGateRun[]): void {
  const facts = deploymentFacts(d, gateRuns);
  const width = Math.max(...facts.map(([label]) => label.length));
  for (const [label, value] of facts) output.line(`${label.padEnd(width)}  ${value}`);
}

/** The stderr line for a deployment `markInterrupted` has just marked. */
export function interruptedLine(d: Deployment): string {
  return `hermes: deployment ${shortId(d.id)} (${d.version}) was interrupted and is now marked failed: ${reason(d.failureReason)}`;
}
