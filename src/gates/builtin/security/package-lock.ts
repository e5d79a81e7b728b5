import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../../../errors/error-message.ts';
import { HermesError } from '../../../errors/hermes-error.ts';

export interface LockedPackage {
  name: string;
  version: string;
  /** Where it sits in the tree, e.g. `node_modules/a/node_modules/b`. */
  path: string;
}

const lockEntry = z.looseObject({
  version: z.string().optional(),
  name: z.string().optional(),
  link: z.boolean().optional(),
});
const lockV1Entry: z.ZodType<{ version?: string; dependencies?: Record<string, unknown> }> = z.looseObject({
  version: z.string().optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
});
const lockFile = z.looseObject({
  lockfileVersion: z.int().optional(),
  packages: z.record(z.string(), lockEntry).optional(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
});

function fromV1(dependencies: Record<string, unknown>, prefix: string): LockedPackage[] {
  return Object.entries(dependencies).flatMap(([name, raw]) => {
    const entry = lockV1Entry.safeParse(raw);
    if (!entry.success || entry.data.version === undefined) return [];
    const path = `${prefix}node_modules/${name}`;
    return [
      { name, version: entry.data.version, path },
      ...fromV1(entry.data.dependencies ?? {}, `${path}/`),
    ];
  });
}

/** Every installed package of package-lock.json (lockfile v1, v2 or v3). */
export function readLockedPackages(cwd: string): LockedPackage[] {
  const path = join(cwd, 'package-lock.json');
  let parsed;
  try {
    parsed = lockFile.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new HermesError('lockfile_unreadable', `cannot read ${path}`, {
      cause: error,
      // zod names each field it refused; a JSON error is one line.
      details:
        error instanceof z.ZodError
          ? error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          : [errorMessage(error).split('\n')[0] ?? ''],
    });
  }
  if (parsed.packages) {
    return Object.entries(parsed.packages).flatMap(([key, entry]) => {
      if (key === '' || entry.link || entry.version === undefined) return [];
      const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      return [{ name, version: entry.version, path: key }];
    });
  }
  return fromV1(parsed.dependencies ?? {}, '');
}
