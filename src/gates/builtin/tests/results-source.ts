/** Where tests.integration takes its results from. */
export type ResultsSource = { kind: 'read' } | { kind: 'run'; why: string };

export interface ResultsFileState {
  mode: 'auto' | 'run' | 'read';
  /** The results file exists and is Jest/vitest JSON. */
  parsed: boolean;
  /** It was written after every file under the source directories. */
  fresh: boolean;
  /** The project's test files it holds no result for. */
  missing: readonly string[];
}

/**
 * `read`: the results file, whatever it holds; `run`: a run; `auto`: the file only when it is
 * fresh and holds every test file of the project (a partial run proves nothing about the rest).
 */
export function chooseResultsSource(state: ResultsFileState): ResultsSource {
  if (state.mode === 'read') return { kind: 'read' };
  if (state.mode === 'run') return { kind: 'run', why: 'mode run' };
  if (!state.parsed) return { kind: 'run', why: 'no results file' };
  if (!state.fresh) return { kind: 'run', why: 'the results file is older than the sources' };
  if (state.missing.length > 0)
    return { kind: 'run', why: `the results file lacks ${String(state.missing.length)} test files` };
  return { kind: 'read' };
}
