import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import { HermesError } from '../../../errors/hermes-error.ts';
import type { LockedPackage } from './package-lock.ts';
import { normaliseSeverity, type Vulnerability } from './vulnerability.ts';

/** The fields of an OSV entry (https://ossf.github.io/osv-schema/) the matcher reads. */
const osvEntry = z.looseObject({
  id: z.string(),
  summary: z.string().optional(),
  aliases: z.array(z.string()).optional(),
  withdrawn: z.string().optional(),
  database_specific: z.looseObject({ severity: z.string().optional() }).optional(),
  affected: z
    .array(
      z.looseObject({
        package: z.looseObject({ ecosystem: z.string(), name: z.string() }),
        ranges: z
          .array(
            z.looseObject({
              type: z.string(),
              events: z.array(
                z.looseObject({
                  introduced: z.string().optional(),
                  fixed: z.string().optional(),
                  last_affected: z.string().optional(),
                }),
              ),
            }),
          )
          .optional(),
        versions: z.array(z.string()).optional(),
        ecosystem_specific: z.looseObject({ severity: z.string().optional() }).optional(),
      }),
    )
    .default([]),
});
type OsvEntry = z.infer<typeof osvEntry>;
type OsvRange = NonNullable<OsvEntry['affected'][number]['ranges']>[number];

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

export interface OsvDatabase {
  entries: number;
  byPackage: Map<string, OsvEntry[]>;
}

/**
 * Reads a directory of OSV entries (one JSON file each, in any subdirectory, as the npm
 * ecosystem export unzips), keeping those about npm packages.
 */
export function loadOsvDatabase(dir: string): OsvDatabase {
  const byPackage = new Map<string, OsvEntry[]>();
  let entries = 0;
  for (const path of jsonFiles(dir)) {
    const parsed = osvEntry.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      throw new HermesError('osv_entry_invalid', `${path}: not an OSV entry`, {
        details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      });
    }
    if (parsed.data.withdrawn !== undefined) continue;
    entries += 1;
    for (const affected of parsed.data.affected) {
      if (affected.package.ecosystem !== 'npm') continue;
      const list = byPackage.get(affected.package.name) ?? [];
      list.push(parsed.data);
      byPackage.set(affected.package.name, list);
    }
  }
  return { entries, byPackage };
}

/** OSV's range semantics: affected from each `introduced` until the next `fixed` (exclusive) or `last_affected` (inclusive). */
function inRange(version: string, range: OsvRange): boolean {
  if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') return false;
  let affected = false;
  for (const event of range.events) {
    if (event.introduced !== undefined) {
      if (event.introduced === '0' || semver.gte(version, event.introduced)) affected = true;
    } else if (event.fixed !== undefined && affected && semver.gte(version, event.fixed)) {
      affected = false;
    } else if (event.last_affected !== undefined && affected && semver.gt(version, event.last_affected)) {
      affected = false;
    }
  }
  return affected;
}

function affects(entry: OsvEntry, pkg: LockedPackage): OsvEntry['affected'][number] | undefined {
  const version = semver.valid(pkg.version);
  if (version === null) return undefined;
  return entry.affected.find(
    (a) =>
      a.package.ecosystem === 'npm' &&
      a.package.name === pkg.name &&
      ((a.versions ?? []).includes(version) || (a.ranges ?? []).some((r) => inRange(version, r))),
  );
}

export function matchOsv(database: OsvDatabase, packages: readonly LockedPackage[]): Vulnerability[] {
  const found = new Map<string, Vulnerability>();
  for (const pkg of packages) {
    for (const entry of database.byPackage.get(pkg.name) ?? []) {
      const affected = affects(entry, pkg);
      if (!affected) continue;
      const key = `${entry.id} ${pkg.name}@${pkg.version}`;
      found.set(key, {
        id: entry.id,
        package: pkg.name,
        version: pkg.version,
        severity: normaliseSeverity(
          entry.database_specific?.severity ?? affected.ecosystem_specific?.severity,
        ),
        title: entry.summary ?? entry.aliases?.join(', ') ?? entry.id,
      });
    }
  }
  return [...found.values()];
}
