/** The stamp of `<root>/src`, or undefined when there is no src/ (a build shipped without it). */
export function sourceStamp(root: string): string | undefined;
