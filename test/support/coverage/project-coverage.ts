import type { FileCoverageData, Range } from 'istanbul-lib-coverage';

/** What a projection matched: elements of the child's coverage found in the target, and those not. */
export interface Projection {
  matched: number;
  unmatched: number;
}

const exact = (loc: Range): string =>
  `${loc.start.line}:${loc.start.column}-${loc.end.line}:${loc.end.column}`;
// Two transforms of one file agree on where a node starts more often than on where it ends.
const startOf = (loc: Range): string => `${loc.start.line}:${loc.start.column}`;

/**
 * `} else if (...) {`: esbuild (the child's tsx) starts the inner if at the `}`, oxc (vitest's) at
 * the `if`. Read from the original source, so that no other node on the line is taken for it.
 */
export function atElseIf(source: readonly string[]): (loc: Range) => Range {
  return (loc) => {
    const line = source[loc.start.line - 1] ?? '';
    const prefix = /^\}\s*else\s+(?=if\b)/.exec(line.slice(loc.start.column));
    if (!prefix) return loc;
    return { ...loc, start: { line: loc.start.line, column: loc.start.column + prefix[0].length } };
  };
}

/**
 * Pairs each child element with the target's element at the same place: every exact range first,
 * then by start, each target element taken once (so a helper the child's transform added cannot
 * take the place of a node both have).
 */
export function pairByLocation(
  target: Record<string, Range>,
  child: Record<string, Range>,
  normalize: (loc: Range) => Range = (loc) => loc,
): Map<string, string> {
  const pairs = new Map<string, string>();
  const taken = new Set<string>();
  for (const key of [exact, startOf]) {
    const free = new Map<string, string[]>();
    for (const [id, loc] of Object.entries(target))
      if (!taken.has(id)) free.set(key(loc), [...(free.get(key(loc)) ?? []), id]);
    for (const [id, loc] of Object.entries(child)) {
      if (pairs.has(id)) continue;
      const at = free.get(key(normalize(loc)))?.find((candidate) => !taken.has(candidate));
      if (at === undefined) continue;
      pairs.set(id, at);
      taken.add(at);
    }
  }
  return pairs;
}

const locsOf = <T>(entries: Record<string, T>, loc: (entry: T) => Range | undefined): Record<string, Range> =>
  Object.fromEntries(
    Object.entries(entries).flatMap(([id, entry]) => {
      const at = loc(entry);
      return at ? [[id, at]] : [];
    }),
  );

/**
 * Adds the hit counts of `child` (one file's coverage as a child process ran it, converted from
 * that process's own transform of the file) to `target` (the same file's coverage in vitest's
 * map). Only the target's elements count: one the child has and the target does not is left out
 * and counted as unmatched, so a difference between the two transforms can lower the figure but
 * never add a statement, function or branch that vitest does not know.
 */
export function projectCoverage(
  target: FileCoverageData,
  child: FileCoverageData,
  source: readonly string[] = [],
): Projection {
  const normalize = atElseIf(source);
  const result: Projection = { matched: 0, unmatched: 0 };
  const tally = (total: number, pairs: Map<string, string>): void => {
    result.matched += pairs.size;
    result.unmatched += total - pairs.size;
  };

  const statements = pairByLocation(target.statementMap, child.statementMap, normalize);
  for (const [from, to] of statements) target.s[to] = (target.s[to] ?? 0) + (child.s[from] ?? 0);
  tally(Object.keys(child.statementMap).length, statements);

  const functions = pairByLocation(
    locsOf(target.fnMap, (f) => f.loc),
    locsOf(child.fnMap, (f) => f.loc),
    normalize,
  );
  for (const [from, to] of functions) target.f[to] = (target.f[to] ?? 0) + (child.f[from] ?? 0);
  tally(Object.keys(child.fnMap).length, functions);

  // A branch of another kind or arity at the same place is not the same branch.
  const sameBranch = (from: string, to: string): boolean =>
    target.branchMap[to]?.type === child.branchMap[from]?.type &&
    target.b[to]?.length === child.b[from]?.length;
  const branches = new Map(
    [
      ...pairByLocation(
        locsOf(target.branchMap, (b) => b.locations[0]),
        locsOf(child.branchMap, (b) => b.locations[0]),
        normalize,
      ),
    ].filter(([from, to]) => sameBranch(from, to)),
  );
  for (const [from, to] of branches) {
    const into = target.b[to] ?? [];
    (child.b[from] ?? []).forEach((hits, i) => (into[i] = (into[i] ?? 0) + hits));
  }
  tally(Object.keys(child.branchMap).length, branches);
  return result;
}
