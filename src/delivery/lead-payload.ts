import { countryCodeAndName } from '../leads/country-name.ts';
import type { LeadRow } from '../leads/lead-row.ts';
import { syntheticSource } from '../leads/synthetic-source.ts';
import { forwardedLeadColumns, type ClaimedRow, type ForwardedLeadColumn } from './claimed-row.ts';

/** A column's value as JSON carries it: a time as its ISO 8601 string. */
type AsJson<T> = T extends Date ? string : T;

type ForwardedLead = { readonly [K in ForwardedLeadColumn]: AsJson<LeadRow[K]> };

/**
 * The JSON body n8n receives: flat, snake_case, the same for every attempt of one delivery:
 * `event`, `delivery_id`, then the forwarded lead columns in their order (claimed-row.ts), with
 * `country` the English name as before and `country_code` after it, its ISO 3166-1 alpha-2 code,
 * and `synthetic` after `source`: true for a gate's own lead, which a workflow drops.
 */
export type LeadPayload = {
  readonly event: string;
  readonly delivery_id: string;
  readonly country_code: string;
  readonly synthetic: boolean;
} & ForwardedLead;

type Entry = readonly [key: string, value: unknown];

function entriesOf(row: ClaimedRow, column: ForwardedLeadColumn): Entry[] {
  if (column === 'country') {
    // Workflows match on the code and show the name: both, so none has to map one to the other.
    // `country` keeps the name it always carried, so a workflow reading it goes on working.
    const { code, name } = countryCodeAndName(row.country);
    return [
      ['country', name],
      ['country_code', code],
    ];
  }
  // A flag no workflow has to derive from a source value it would have to know.
  if (column === 'source')
    return [
      ['source', row.source],
      ['synthetic', row.source === syntheticSource],
    ];
  const value = row[column];
  return [[column, value instanceof Date ? value.toISOString() : value]];
}

export function leadPayload(row: ClaimedRow): LeadPayload {
  const lead = forwardedLeadColumns.flatMap((column) => entriesOf(row, column));
  // The entries are built from the same column list the type is mapped over, so the cast holds.
  return {
    event: row.topic,
    delivery_id: row.delivery_id,
    ...(Object.fromEntries(lead) as ForwardedLead & { country_code: string; synthetic: boolean }),
  };
}
