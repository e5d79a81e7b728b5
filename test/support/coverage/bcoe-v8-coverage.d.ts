// @bcoe/v8-coverage ships no types; this is the one function provider.ts uses (the one vitest's v8 provider uses).
declare module '@bcoe/v8-coverage' {
  import type { Profiler } from 'node:inspector';
  export function mergeProcessCovs(processCovs: readonly { result: Profiler.ScriptCoverage[] }[]): {
    result: Profiler.ScriptCoverage[];
  };
}
