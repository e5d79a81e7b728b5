/** `GateContext.shared`: one promise per key for the whole stage run. */
export type StageMemo = <T>(key: string, make: () => Promise<T>) => Promise<T>;

/**
 * A memo created once per stage run. The work starts with the context (and so the signal) of the
 * first gate that asks; a failure is shared too, so two gates never disagree about one run.
 */
export function createStageMemo(): StageMemo {
  const entries = new Map<string, Promise<unknown>>();
  return <T>(key: string, make: () => Promise<T>): Promise<T> => {
    let entry = entries.get(key) as Promise<T> | undefined;
    if (!entry) {
      entry = make();
      entries.set(key, entry);
    }
    return entry;
  };
}
