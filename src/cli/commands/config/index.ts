import type { Command } from 'commander';
import { configKeys, isInSection, keysNear, type ConfigKey } from '../../../config/config-keys.ts';
import type { LoadedConfig } from '../../../config/load-config.ts';
import { redact } from '../../../config/redact.ts';
import { buildStamp } from '../../../runtime/build-stamp.ts';
import type { CliContext } from '../../context.ts';
import { UsageError } from '../../usage-error.ts';

/** What an unset key means, where that is not simply "nothing". */
const unsetMeaning: Readonly<Record<string, string>> = {
  'database.url': 'the embedded PostgreSQL',
  'n8n.webhookUrl': 'leads wait in the outbox',
  'n8n.healthUrl': "/healthz at the webhook URL's origin",
  'intake.formTokenSecret': 'a random key kept in the database',
};

export interface ConfigRow {
  readonly key: string;
  readonly set: boolean;
  readonly value?: unknown;
  readonly source: string;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function flatten(value: unknown, prefix: string): [string, unknown][] {
  if (!isMapping(value) || Object.keys(value).length === 0) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, child]) => flatten(child, `${prefix}.${key}`));
}

function valueAt(tree: unknown, path: string): unknown {
  let node = tree;
  for (const part of path.split('.')) node = isMapping(node) ? node[part] : undefined;
  return node;
}

/** A record's source is its entries' (`gates.overrides` set in the file); an unset key's is the default. */
function sourceOf(sources: ReadonlyMap<string, string>, key: string): string {
  const exact = sources.get(key);
  if (exact !== undefined) return exact;
  for (const [path, source] of sources) if (path.startsWith(`${key}.`)) return source;
  return 'default';
}

/**
 * One row per setting of the schema, in its order, unset ones too; a record's entries (e.g.
 * `gates.overrides`) one row each. `safe` is the config already redacted.
 */
export function configRows(
  keys: readonly ConfigKey[],
  safe: unknown,
  sources: ReadonlyMap<string, string>,
): ConfigRow[] {
  return keys
    .filter((k) => k.kind === 'setting')
    .flatMap((k) => flatten(valueAt(safe, k.path), k.path))
    .map(([key, value]) =>
      value === undefined
        ? { key, set: false, source: 'default' }
        : { key, set: true, value, source: sourceOf(sources, key) },
    );
}

/** The keys in `section` (all when undefined); a usage error naming the known sections for one that is not. */
export function selectSection(keys: readonly ConfigKey[], section: string | undefined): ConfigKey[] {
  if (section === undefined) return [...keys];
  if (!keys.some((k) => k.path === section)) {
    const near = keysNear(keys, section);
    const listed = near.sections.length > 0 ? near.sections : near.settings;
    const what = near.sections.length > 0 ? 'sections' : 'keys';
    const where = near.parent ? `${near.parent}'s ${what}` : `the ${what}`;
    throw new UsageError(`unknown config section '${section}': ${where} are ${listed.join(', ')}`, {
      details: [' run `hermes config print` for every key'],
    });
  }
  return keys.filter((k) => isInSection(k.path, section));
}

function describe(row: ConfigRow): string {
  if (row.set) return JSON.stringify(row.value);
  const meaning = unsetMeaning[row.key];
  return meaning ? `unset: ${meaning}` : 'unset';
}

function printConfig(ctx: CliContext, loaded: LoadedConfig, section: string | undefined): void {
  const keys = selectSection(configKeys(), section);
  const safe = redact(loaded.config);
  const rows = configRows(keys, safe, loaded.sources);
  ctx.output.result(
    {
      file: loaded.file,
      // What this Hermes was built as (null run from its sources): the build gates read it.
      build: buildStamp,
      section: section ?? null,
      config: section === undefined ? safe : (valueAt(safe, section) ?? null),
      sources: Object.fromEntries(rows.map((r) => [r.key, r.source])),
      keys: rows,
    },
    () => {
      ctx.output.line(`# config file: ${loaded.file ?? 'none (defaults and environment only)'}`);
      if (buildStamp) ctx.output.line(`# build: ${buildStamp.environment} ${buildStamp.version}`);
      const width = Math.max(...rows.map((r) => r.key.length));
      for (const row of rows) ctx.output.line(`${row.key.padEnd(width)}  ${describe(row)}  (${row.source})`);
    },
  );
}

export function registerConfig(config: Command, ctx: CliContext): void {
  const print = config
    .command('print')
    .description(
      'every key of the effective config, unset ones too, secrets redacted, with where each value came from',
    )
    .argument('[section]', 'only this section, e.g. delivery or intake.rateLimit');
  print.action((section: string | undefined) => {
    // The section is checked first: a mistyped one is a usage error whatever the config holds.
    selectSection(configKeys(), section);
    printConfig(ctx, ctx.loaded(), section);
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
