import type { LeadRow } from '../leads/lead-row.ts';
import { forwardedLeadColumns, type ClaimedRow, type ForwardedLeadColumn } from './claimed-row.ts';

/** A column's value as JSON carries it: a time as its ISO 8601 string. */
type AsJson<T> = T extends Date ? string : T;

type ForwardedLead = { readonly [K in ForwardedLeadColumn]: AsJson<LeadRow[K]> };

/**
 * The JSON body n8n receives: flat, snake_case, the same for every attempt of one delivery:
 * `event`, `delivery_id`, then the forwarded lead columns in their order (claimed-row.ts).
 */
export type LeadPayload = {
  readonly event: string;
  readonly delivery_id: string;
} & ForwardedLead;

export function leadPayload(row: ClaimedRow): LeadPayload {
  const lead = forwardedLeadColumns.map((column) => {
    const value = row[column];
    return [column, value instanceof Date ? value.toISOString() : value] as const;
  });
  // The entries are built from the same column list the type is mapped over, so the cast holds.
  return {
    event: row.topic,
    delivery_id: row.delivery_id,
    ...(Object.fromEntries(lead) as ForwardedLead),
  };
}
