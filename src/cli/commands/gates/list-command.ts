import type { Command } from 'commander';
import { gatePolicy } from '../../../gates/gate-policy.ts';
import type { CliContext } from '../../context.ts';
import { allGates } from '../../../gates/all-gates.ts';
import type { Stage } from '../../../gates/gate.ts';
import { parseStage } from './run-command.ts';
import { oneOf } from '../../parse-values.ts';
import { UsageError } from '../../usage-error.ts';
import { gateReference } from '../../../gates/reference/gate-reference.ts';

const listFormats = ['text', 'markdown'] as const;
type ListFormat = (typeof listFormats)[number];

export function registerGatesList(gates: Command, ctx: CliContext): void {
  gates
    .command('list')
    .description('list the gates (built-in and custom), their stage and dependencies')
    .option('--stage <stage>', 'only the gates of this stage', parseStage)
    .option(
      '--format <format>',
      `text (default) or markdown: the gate reference with every gate's spec section, thresholds and defaults (docs/gates.md)`,
      oneOf(listFormats),
    )
    .action((options: { stage?: Stage; format?: ListFormat }) => {
      const { stage } = options;
      const config = ctx.config();
      if (options.format === 'markdown') {
        if (ctx.output.json) throw new UsageError('--format markdown and --json: choose one');
        const reference = gateReference(config, process.cwd(), stage === undefined ? undefined : [stage]);
        // line() adds the one newline the reference ends with: stdout is byte for byte docs/gates.md.
        ctx.output.line(reference.replace(/\n$/, ''));
        return;
      }
      const customIds = new Set(config.gates.custom.map((c) => c.id));
      const rows = allGates(config)
        .filter((gate) => stage === undefined || gate.stage === stage)
        .map((gate) => {
          const policy = gatePolicy(config, gate);
          return {
            id: gate.id,
            stage: gate.stage,
            title: gate.title,
            spec: gate.spec ?? null,
            kind: customIds.has(gate.id) ? 'custom' : 'built-in',
            dependsOn: [...(gate.dependsOn ?? [])],
            enabled: policy.enabled,
            advisory: policy.advisory,
            timeoutMs: policy.timeoutMs,
          };
        });
      ctx.output.result(rows, () => {
        if (rows.length === 0) ctx.output.line('no gates');
        const width = Math.max(0, ...rows.map((r) => r.id.length));
        for (const r of rows) {
          const flags = [
            r.kind === 'custom' ? 'custom' : '',
            r.enabled ? '' : 'disabled',
            r.advisory ? 'advisory' : '',
            r.dependsOn.length > 0 ? `after ${r.dependsOn.join(', ')}` : '',
          ].filter(Boolean);
          ctx.output.line(
            `${r.id.padEnd(width)}  ${r.stage.padEnd(11)}  ${r.title}${r.spec ? ` (${r.spec})` : ''}${flags.length > 0 ? `  [${flags.join('; ')}]` : ''}`,
          );
        }
      });
    });
}
