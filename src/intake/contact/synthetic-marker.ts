import type { ApiKeys } from '../api-keys.ts';

/** The header a gate sends its own lead with: an admin key, so that nobody else can mark one. */
export const syntheticHeader = 'hermes-synthetic';

/**
 * Whether a submission is a gate's synthetic lead: only with an admin key in `Hermes-Synthetic`.
 * A missing or wrong key makes it an ordinary lead (`ignored` says a marker was refused): a lead
 * is never refused over it, and nobody can hide a lead from the counts by adding the header.
 */
export function syntheticMarker(
  header: string | string[] | undefined,
  adminKeys: ApiKeys,
): { synthetic: boolean; ignored: boolean } {
  if (header === undefined) return { synthetic: false, ignored: false };
  const presented = typeof header === 'string' ? header : undefined;
  const synthetic = presented !== undefined && adminKeys.match(presented) !== undefined;
  return { synthetic, ignored: !synthetic };
}
