import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { GateOutcome } from '../../gate.ts';
import { listSome, plural } from '../support/outcome.ts';

/** What the repository holds in place of a package-lock.json. */
export interface DependencyFiles {
  /** The dependency names package.json declares (all kinds); undefined: no readable package.json. */
  declared: string[] | undefined;
  /** Lockfiles of other package managers, which npm audit and the OSV matcher do not read. */
  otherLockfiles: string[];
}

const manifest = z.looseObject({
  dependencies: z.record(z.string(), z.unknown()).optional(),
  devDependencies: z.record(z.string(), z.unknown()).optional(),
  optionalDependencies: z.record(z.string(), z.unknown()).optional(),
});

const foreignLockfiles = ['yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock', 'npm-shrinkwrap.json'];

function declaredDependencies(cwd: string): string[] | undefined {
  const path = join(cwd, 'package.json');
  if (!existsSync(path)) return undefined;
  try {
    const parsed = manifest.parse(JSON.parse(readFileSync(path, 'utf8')));
    const names = [parsed.dependencies, parsed.devDependencies, parsed.optionalDependencies].flatMap((d) =>
      Object.keys(d ?? {}),
    );
    return [...new Set(names)].sort();
  } catch {
    return undefined;
  }
}

/** Undefined when package-lock.json exists (the audit reads it); else what stands in its place. */
export function readDependencyFiles(cwd: string): DependencyFiles | undefined {
  if (existsSync(join(cwd, 'package-lock.json'))) return undefined;
  return {
    declared: declaredDependencies(cwd),
    otherLockfiles: foreignLockfiles.filter((name) => existsSync(join(cwd, name))),
  };
}

const disable = 'set gates.overrides.security.dependencies.enabled to false';

/**
 * Without package-lock.json there are no exact versions to audit. Nothing declared is nothing to
 * audit (pass); another package manager's lockfile is outside what the gate reads (skip);
 * declared dependencies with no lockfile at all are versions nobody pinned (fail).
 */
export function judgeUnlocked(files: DependencyFiles): GateOutcome {
  const { declared, otherLockfiles } = files;
  if (declared === undefined)
    return {
      status: 'skip',
      summary: 'does not apply: no package.json and no package-lock.json',
      reason: `security.dependencies audits npm dependencies and the repository has none; ${disable}`,
    };
  if (otherLockfiles.length > 0)
    return {
      status: 'skip',
      summary: `does not apply: ${otherLockfiles.join(', ')} is not read, only package-lock.json`,
      reason: `npm audit and the OSV matcher read package-lock.json; generate one with \`npm install --package-lock-only\`, or ${disable}`,
    };
  if (declared.length === 0)
    return { status: 'pass', summary: 'package.json declares no dependencies: nothing to audit' };
  return {
    status: 'fail',
    summary: `${plural(declared.length, 'dependency', 'dependencies')} of package.json not locked (no package-lock.json): ${listSome(declared)}`,
    reason:
      'without a lockfile the installed versions are unknown and cannot be audited; run `npm install --package-lock-only` and commit package-lock.json',
  };
}
