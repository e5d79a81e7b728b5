import { LocalTarget, type LocalStatus } from '../../../deploy/local/local-target.ts';
import type { CliContext } from '../../context.ts';
import { printTable } from '../../print-table.ts';

function printStatus(ctx: CliContext, status: LocalStatus): void {
  const live = status.colours.find((colour) => colour.live);
  ctx.output.line(`public URL: ${status.publicUrl} (nginx ${status.nginxRunning ? 'running' : 'stopped'})`);
  ctx.output.line(
    live
      ? `live: ${live.colour}, ${live.version}, deployment ${live.deploymentId ?? 'none'}${live.running ? '' : ' (stopped)'}`
      : 'live: nothing',
  );
  if (status.colours.length === 0) return;
  printTable(ctx.output, [
    ['colour', 'role', 'state', 'version', 'deployment', 'url'],
    ...status.colours.map((c) => [
      c.colour,
      c.live ? 'live' : 'standby',
      c.running ? 'running' : 'stopped',
      c.version,
      c.deploymentId ?? '-',
      c.url,
    ]),
  ]);
}

/** `hermes deploy status`: the local target's colours, read from its state and the processes. */
export function runDeployStatus(ctx: CliContext): void {
  const status = new LocalTarget(process.cwd(), ctx.config()).status();
  ctx.output.result(status, () => printStatus(ctx, status));
}

/** `hermes deploy stop`: both colours and nginx, nothing else. */
export async function runDeployStop(ctx: CliContext): Promise<void> {
  const stopped = await new LocalTarget(process.cwd(), ctx.config()).stop();
  ctx.output.result(stopped, () => {
    ctx.output.line(`nginx: ${stopped.nginx ? 'stopped' : 'was not running'}`);
    ctx.output.line(`releases stopped: ${stopped.colours.join(', ') || 'none was running'}`);
  });
}
