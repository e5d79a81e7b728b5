import type { FileCoverageData, Range } from 'istanbul-lib-coverage';
import { describe, expect, it } from 'vitest';
import { atElseIf, pairByLocation, projectCoverage } from './project-coverage.ts';

const at = (line: number, column: number, endLine: number, endColumn: number): Range => ({
  start: { line, column },
  end: { line: endLine, column: endColumn },
});

function file(statements: Record<string, [Range, number]>, extra: Partial<FileCoverageData> = {}): FileCoverageData {
  return {
    path: '/repo/src/x.ts',
    statementMap: Object.fromEntries(Object.entries(statements).map(([id, [loc]]) => [id, loc])),
    s: Object.fromEntries(Object.entries(statements).map(([id, [, hits]]) => [id, hits])),
    fnMap: {},
    f: {},
    branchMap: {},
    b: {},
    ...extra,
  };
}

describe('pairByLocation', () => {
  it('pairs the same range, else the same start', () => {
    const target = { a: at(1, 0, 1, 10), b: at(2, 4, 2, 20) };
    const child = { x: at(1, 0, 1, 10), y: at(2, 4, 2, 18), w: at(9, 0, 9, 1) };
    expect(Object.fromEntries(pairByLocation(target, child))).toEqual({ x: 'a', y: 'b' });
  });

  it('pairs an else-if the child starts at its `}` with the one vitest starts at its `if`', () => {
    const source = ['if (a) {', '  one();', '          } else if (b) {', '  two();', '}'];
    const target = { inner: at(3, 17, 5, 1) };
    const child = { inner: at(3, 10, 5, 1) };
    expect(Object.fromEntries(pairByLocation(target, child, atElseIf(source)))).toEqual({ inner: 'inner' });
    expect(pairByLocation(target, child).size).toBe(0);
  });

  it('never pairs two statements that only share a line and an end', () => {
    // `if (a) return b;`: the if and its return end together; one is not the other.
    const source = ['if (a) return b;'];
    const target = { ret: at(1, 7, 1, 16) };
    const child = { iff: at(1, 0, 1, 16) };
    expect(pairByLocation(target, child, atElseIf(source)).size).toBe(0);
  });

  it('matches every exact range before any start, so an added helper cannot take a real node’s place', () => {
    // The child's helper `h` starts where the real statement does and comes first.
    const target = { real: at(4, 2, 4, 30) };
    const child = { h: at(4, 2, 4, 9), same: at(4, 2, 4, 30) };
    expect(Object.fromEntries(pairByLocation(target, child))).toEqual({ same: 'real' });
  });

  it('takes each target element once', () => {
    const target = { only: at(1, 0, 1, 5) };
    const child = { one: at(1, 0, 1, 7), two: at(1, 0, 1, 8) };
    expect(pairByLocation(target, child).size).toBe(1);
  });
});

describe('projectCoverage', () => {
  it('adds the child’s hits to the paired statements and leaves the unpaired out of the figures', () => {
    const target = file({ '0': [at(1, 0, 1, 10), 2], '1': [at(2, 0, 2, 10), 0], '2': [at(3, 0, 3, 10), 0] });
    const child = file({ '0': [at(1, 0, 1, 10), 1], '1': [at(2, 0, 2, 10), 3], '9': [at(7, 0, 7, 4), 5] });
    expect(projectCoverage(target, child)).toEqual({ matched: 2, unmatched: 1 });
    expect(target.s).toEqual({ '0': 3, '1': 3, '2': 0 });
    expect(Object.keys(target.statementMap)).toEqual(['0', '1', '2']);
  });

  it('adds function hits by the function’s location', () => {
    const fn = (name: string, loc: Range) => ({ name, decl: loc, loc, line: loc.start.line });
    const target = file({}, { fnMap: { '0': fn('a', at(1, 0, 3, 1)), '1': fn('b', at(5, 0, 7, 1)) }, f: { '0': 0, '1': 0 } });
    const child = file({}, { fnMap: { '4': fn('b', at(5, 0, 7, 1)) }, f: { '4': 2 } });
    projectCoverage(target, child);
    expect(target.f).toEqual({ '0': 0, '1': 2 });
  });

  it('adds branch hits location by location, only to a branch of the same kind and arity', () => {
    const branch = (type: string, locations: Range[]) => ({ type, loc: locations[0] ?? at(0, 0, 0, 0), locations, line: 1 });
    const target = file(
      {},
      {
        branchMap: { '0': branch('if', [at(2, 2, 4, 3), at(2, 2, 4, 3)]), '1': branch('cond-expr', [at(6, 8, 6, 9), at(6, 12, 6, 13)]) },
        b: { '0': [1, 0], '1': [0, 0] },
      },
    );
    const child = file(
      {},
      {
        branchMap: { '0': branch('if', [at(2, 2, 4, 3), at(2, 2, 4, 3)]), '1': branch('binary-expr', [at(6, 8, 6, 9), at(6, 12, 6, 13)]) },
        b: { '0': [0, 4], '1': [7, 7] },
      },
    );
    expect(projectCoverage(target, child)).toEqual({ matched: 1, unmatched: 1 });
    expect(target.b).toEqual({ '0': [1, 4], '1': [0, 0] });
  });
});
