import { countries } from './lead-rules.ts';
import { resolveCountry } from './lead-schema.ts';

const nameByCode = new Map(countries.map((country) => [country.code, country.name]));

/**
 * A stored country as its ISO 3166-1 alpha-2 code and English name, from the list the form offers.
 * Intake stores the name and older rows may hold the code: either resolves. A value that resolves
 * to no country (none is accepted at intake) is passed on as it is, for both.
 */
export function countryCodeAndName(stored: string): { code: string; name: string } {
  const code = resolveCountry(stored);
  const name = code === undefined ? undefined : nameByCode.get(code);
  return code === undefined || name === undefined ? { code: stored, name: stored } : { code, name };
}
