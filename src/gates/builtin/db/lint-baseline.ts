import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { HermesError } from '../../../errors/hermes-error.ts';
import { errorMessage } from '../../../errors/error-message.ts';

/**
 * `migrations/lint-baseline.yaml`: squawk findings of old migrations a team has reviewed and
 * accepts, so that only a new finding turns the gate yellow or red.
 *
 *   - rule: prefer-bigint-over-int
 *     file: 0002_create_hermes_outbox.up.sql
 *     reason: attempts is a retry counter, never near 2^31
 *
 * An entry matches on rule and file, never on the line: an applied migration does not change, and
 * a comment added above a statement must not un-accept it. One entry accepts one finding, so a file
 * with three int columns needs three entries, and a fourth column added later is new.
 */
const baselineEntry = z.strictObject({
  rule: z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'expected a squawk rule name, e.g. ban-drop-column' }),
  file: z.string().regex(/^\d{4,}_[a-z0-9_]+\.(up|down)\.sql$/, {
    error: 'expected a migration file name, e.g. 0002_create_hermes_outbox.up.sql',
  }),
  reason: z.string({ error: 'expected a reason: why this finding is accepted' }).trim().min(10, {
    error: 'expected a reason of at least 10 characters',
  }),
});
const baselineFile = z.array(baselineEntry, { error: 'expected a list of {rule, file, reason} entries' });

export interface BaselineEntry extends z.infer<typeof baselineEntry> {
  /** 1-based position in the file, to name the entry in messages. */
  readonly index: number;
}

/** How an issue's entry is named: its position, and its rule and file when it has them. */
function entryName(raw: unknown, index: number): string {
  const entry = Array.isArray(raw) ? (raw[index] as unknown) : undefined;
  const fields = z.looseObject({ rule: z.string(), file: z.string() }).safeParse(entry);
  return fields.success
    ? `entry ${index + 1} (${fields.data.rule} ${fields.data.file})`
    : `entry ${index + 1}`;
}

/** Reads the baseline; a missing file accepts nothing. Malformed: `lint_baseline_invalid`, each issue named. */
export function loadLintBaseline(path: string, shownAs: string): BaselineEntry[] {
  if (!existsSync(path)) return [];
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? [];
  } catch (error) {
    throw new HermesError('lint_baseline_invalid', `${shownAs}: not valid YAML`, {
      details: [errorMessage(error)],
    });
  }
  const parsed = baselineFile.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => {
      const [index, ...key] = issue.path;
      if (typeof index !== 'number') return `(top level): ${issue.message}`;
      const name = entryName(raw, index);
      return key.length > 0 ? `${name}: ${key.join('.')}: ${issue.message}` : `${name}: ${issue.message}`;
    });
    throw new HermesError('lint_baseline_invalid', `${shownAs}: invalid lint baseline`, { details });
  }
  return parsed.data.map((entry, i) => ({ ...entry, index: i + 1 }));
}

export interface Judged<F> {
  /** Findings no entry accepts, in the order given. */
  readonly fresh: F[];
  readonly accepted: { finding: F; entry: BaselineEntry }[];
  /** Entries that accept no finding any more. */
  readonly stale: BaselineEntry[];
}

/** Pairs each finding with an unused entry of the same rule and file; the rest are new or stale. */
export function applyBaseline<F extends { rule: string; file: string }>(
  findings: readonly F[],
  entries: readonly BaselineEntry[],
): Judged<F> {
  const unused = [...entries];
  const fresh: F[] = [];
  const accepted: { finding: F; entry: BaselineEntry }[] = [];
  for (const finding of findings) {
    const at = unused.findIndex((e) => e.rule === finding.rule && e.file === finding.file);
    if (at === -1) {
      fresh.push(finding);
      continue;
    }
    const [entry] = unused.splice(at, 1);
    if (entry) accepted.push({ finding, entry });
  }
  return { fresh, accepted, stale: unused };
}
