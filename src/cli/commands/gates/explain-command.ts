import type { Command } from 'commander';
import { HermesError } from '../../../errors/hermes-error.ts';
import { gatePolicy } from '../../../gates/gate-policy.ts';
import type { CliContext } from '../../context.ts';
import { allGates } from '../../../gates/all-gates.ts';

interface Setting {
  key: string;
  value: unknown;
  source: string;
  description: string;
}

export function registerGatesExplain(gates: Command, ctx: CliContext): void {
  gates
    .command('explain')
    .description('what a gate checks, its thresholds and settings, and where each value comes from')
    .argument('<id>', 'a gate id (see hermes gates list)')
    .action((id: string) => {
      const loaded = ctx.loaded();
      const { config, sources } = loaded;
      const gate = allGates(config).find((g) => g.id === id);
      if (!gate)
        throw new HermesError('gates_unknown', `no gate ${id}`, { details: ['see hermes gates list'] });
      const sourceOf = (key: string, fallback = 'default'): string => {
        const source = sources.get(key);
        return source === 'file' ? (loaded.file ?? 'file') : (source ?? fallback);
      };
      const policy = gatePolicy(config, gate);
      const override = (name: string): string => `gates.overrides.${gate.id}.${name}`;
      const overridden = (name: string): boolean => sources.has(override(name));
      const settings: Setting[] = [
        {
          key: override('enabled'),
          value: policy.enabled,
          source: sourceOf(override('enabled')),
          description: 'runs at all',
        },
        {
          key: override('advisory'),
          value: policy.advisory,
          source: sourceOf(override('advisory')),
          description: 'an advisory gate reports fail as warn and never blocks',
        },
        overridden('timeoutMs')
          ? {
              key: override('timeoutMs'),
              value: policy.timeoutMs,
              source: sourceOf(override('timeoutMs')),
              description: 'timeout (ms)',
            }
          : gate.timeoutMs !== undefined
            ? {
                key: override('timeoutMs'),
                value: policy.timeoutMs,
                source: "the gate's default",
                description: 'timeout (ms)',
              }
            : {
                key: 'gates.defaultTimeoutMs',
                value: policy.timeoutMs,
                source: sourceOf('gates.defaultTimeoutMs'),
                description: 'timeout (ms)',
              },
        {
          key: override('errorAs'),
          value: policy.errorAs,
          source: sourceOf(override('errorAs')),
          description: 'what an error (could not judge) counts as',
        },
        {
          key: overridden('noData') ? override('noData') : 'gates.noData',
          value: policy.noData,
          source: sourceOf(overridden('noData') ? override('noData') : 'gates.noData'),
          description: 'status when there is nothing to judge',
        },
      ];
      const thresholds: Setting[] = (gate.thresholds?.(config) ?? []).map((t) => ({
        key: t.key,
        value: t.value,
        // loadConfig knows where each key came from (file, env or default); the gate's own guess is the fallback.
        source: sourceOf(t.key, t.source),
        description: t.description,
      }));
      const customIndex = config.gates.custom.findIndex((c) => c.id === gate.id);
      const explained = {
        id: gate.id,
        stage: gate.stage,
        title: gate.title,
        spec: gate.spec ?? null,
        kind:
          customIndex >= 0
            ? `custom (gates.custom.${customIndex}, ${config.gates.custom[customIndex]?.kind ?? ''})`
            : 'built-in',
        description: gate.description,
        dependsOn: [...(gate.dependsOn ?? [])],
        thresholds,
        settings,
      };
      ctx.output.result(explained, () => {
        const out = ctx.output;
        out.line(`${gate.id}: ${gate.title}${gate.spec ? ` (spec ${gate.spec})` : ''}`);
        out.line(`stage: ${gate.stage} · ${explained.kind}`);
        if (explained.dependsOn.length > 0) out.line(`runs after: ${explained.dependsOn.join(', ')}`);
        out.line();
        out.line(gate.description);
        const print = (title: string, rows: readonly Setting[]): void => {
          out.line();
          out.line(`${title}:`);
          if (rows.length === 0) out.line('  (none)');
          for (const row of rows)
            out.line(`  ${row.key} = ${JSON.stringify(row.value)}  (${row.source})  ${row.description}`);
        };
        print('thresholds', thresholds);
        print('settings', settings);
      });
    });
}
