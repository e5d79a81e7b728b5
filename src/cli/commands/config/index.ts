import type { Command } from 'commander';
import { redact } from '../../../config/redact.ts';
import type { CliContext } from '../../context.ts';

function flatten(value: unknown, prefix = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, child]) => flatten(child, prefix ? `${prefix}.${key}` : key));
}

export function registerConfig(config: Command, ctx: CliContext): void {
  config
    .command('print')
    .description('the effective config, secrets redacted, with where each value came from')
    .action(() => {
      const loaded = ctx.loaded();
      const safe = redact(loaded.config);
      const rows = flatten(safe).map(([key, value]) => ({
        key,
        value,
        source: loaded.sources.get(key) ?? 'default',
      }));
      if (loaded.config.database.url === undefined) {
        rows.unshift({ key: 'database.url', value: 'unset: the embedded PostgreSQL', source: 'default' });
      }
      ctx.output.result(
        { file: loaded.file, config: safe, sources: Object.fromEntries(rows.map((r) => [r.key, r.source])) },
        () => {
          ctx.output.line(`# config file: ${loaded.file ?? 'none (defaults and environment only)'}`);
          const width = Math.max(...rows.map((r) => r.key.length));
          for (const row of rows) {
            ctx.output.line(
              `${row.key.padEnd(width)}  ${row.value === undefined ? 'unset' : JSON.stringify(row.value)}  (${row.source})`,
            );
          }
        },
      );
    });

  config
    .command('validate')
    .description('check hermes.yaml and the environment; exit 2 naming each key at fault')
    .action(() => {
      const loaded = ctx.loaded();
      ctx.output.result({ ok: true, file: loaded.file, warnings: loaded.warnings }, () =>
        ctx.output.line(`config valid${loaded.file ? ` (${loaded.file})` : ''}`),
      );
    });
}
