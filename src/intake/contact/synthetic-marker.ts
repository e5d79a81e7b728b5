import { isSyntheticAddress } from '../../leads/synthetic-source.ts';
import type { ApiKeys } from '../api-keys.ts';

/** The header a gate sends its own lead with: an admin key, so that nobody else can mark one. */
export const syntheticHeader = 'hermes-synthetic';

export type SyntheticMarker =
  { synthetic: true } | { synthetic: false; ignored: null | 'wrong_key' | 'address_not_reserved' };

/**
 * Whether a submission is a gate's synthetic lead: an admin key in `Hermes-Synthetic`, and an
 * address at the reserved domain (so that a key holder cannot hide a person's lead from their
 * export either). Otherwise it is an ordinary lead, never refused (`ignored` says why a marker
 * was not honoured), and nobody can hide a lead from the counts by adding the header.
 */
export function syntheticMarker(
  header: string | string[] | undefined,
  email: string,
  adminKeys: ApiKeys,
): SyntheticMarker {
  if (header === undefined) return { synthetic: false, ignored: null };
  const presented = typeof header === 'string' ? header : undefined;
  if (presented === undefined || adminKeys.match(presented) === undefined)
    return { synthetic: false, ignored: 'wrong_key' };
  if (!isSyntheticAddress(email)) return { synthetic: false, ignored: 'address_not_reserved' };
  return { synthetic: true };
}
