import { InvalidArgumentError } from 'commander';
import { parseSince, sinceExpected } from '../delivery/parse-since.ts';
import { deploymentRefExpected, parseDeploymentRef } from '../deploy/ledger/deployment-ref.ts';
import { HermesError } from '../errors/hermes-error.ts';
import { leadIdPattern } from '../leads/lead-id.ts';

/**
 * The parsers of every option and argument value, run by commander while it parses the command
 * line. Each throws `ExpectedValue`; `nameBadValues` adds which option it was.
 */

/** What an echoed value may show: enough to recognise it, never a screenful. */
function shown(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}

/** A value refused by its parser (commander's own error type, so commander handles it anywhere). */
export class ExpectedValue extends InvalidArgumentError {
  readonly expected: string;
  readonly got: string;

  constructor(expected: string, got: string) {
    super(`expected ${expected}, got ${JSON.stringify(shown(got))}`);
    this.expected = expected;
    this.got = shown(got);
  }
}

/** A whole number written in digits only (no sign, exponent, hex or blanks), from `min` to `max`. */
export function integerFrom(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d{1,15}$/.test(value) || n < min || n > max)
      throw new ExpectedValue(`an integer from ${String(min)} to ${String(max)}`, value);
    return n;
  };
}

export const parsePort = integerFrom(0, 65_535);

/** `--to`: a migration's version number (0003 and 3 are the same); 0 (before the first) only going down. */
export function migrationVersion(options: { zero: boolean }): (value: string) => string {
  const expected = options.zero
    ? 'a migration version such as 3 or 0003, or 0 for none'
    : 'a migration version such as 3 or 0003';
  return (value) => {
    if (!/^\d{1,15}$/.test(value) || (!options.zero && Number(value) === 0))
      throw new ExpectedValue(expected, value);
    return value;
  };
}

/** `--since`: an ISO 8601 date or time, or a duration back from now. */
export function parseSinceValue(value: string): Date {
  try {
    return parseSince(value);
  } catch (error) {
    if (!(error instanceof HermesError)) throw error;
    throw new ExpectedValue(sinceExpected, value);
  }
}

export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    const found = choices.find((choice) => choice === value);
    if (found === undefined) throw new ExpectedValue(`one of ${choices.join(', ')}`, value);
    return found;
  };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A comma-separated list of at least one of `choices`. */
export function listOf<T extends string>(choices: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = splitList(value);
    const known = items.filter((item): item is T => (choices as readonly string[]).includes(item));
    if (items.length === 0 || known.length < items.length)
      throw new ExpectedValue(`a comma-separated list of ${choices.join(', ')}`, value);
    return known;
  };
}

/** A comma-separated list of at least one name (which ones exist is the command's to say). */
export function namesList(what: string): (value: string) => string[] {
  return (value) => {
    const items = splitList(value);
    if (items.length === 0) throw new ExpectedValue(`a comma-separated list of ${what}`, value);
    return items;
  };
}

export function nonEmpty(what: string): (value: string) => string {
  return (value) => {
    if (value.trim().length === 0) throw new ExpectedValue(what, value);
    return value;
  };
}

/**
 * An http(s) URL without credentials (they would land in reports and the history): a release's
 * public URL. A URL with credentials is echoed without them.
 */
export function httpUrl(value: string): string {
  const expected =
    'an http:// or https:// URL without credentials, query or fragment, e.g. https://hermes.example.com';
  if (!URL.canParse(value)) throw new ExpectedValue(expected, value);
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') {
    url.username = '';
    url.password = '';
    throw new ExpectedValue(expected, `${url.href} (with credentials)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ExpectedValue(expected, value);
  // The gates append paths to it: a query or fragment would swallow them.
  if (url.search !== '' || url.hash !== '') throw new ExpectedValue(expected, value);
  return url.href.replace(/\/+$/, '');
}

export function parseLeadId(value: string): string {
  if (!leadIdPattern.test(value)) throw new ExpectedValue('a reference such as HS-20261124-7KQ2M9', value);
  return value;
}

/** `[lead_id...]`: commander calls a variadic argument's parser once per value, with the list so far. */
export function parseLeadIds(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), parseLeadId(value)];
}

/** `hermes deployments show ID`: a whole deployment id or its first 8+ hex digits (kept as given). */
export function parseDeploymentId(value: string): string {
  if (parseDeploymentRef(value) === null) throw new ExpectedValue(deploymentRefExpected, value);
  return value;
}

/**
 * `--env KEY=VALUE`, repeatable: the pairs so far with this one added. A refused pair is echoed
 * without its value, which may be a secret.
 */
export function parseEnvPair(
  value: string,
  previous: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const at = value.indexOf('=');
  const name = at === -1 ? value : value.slice(0, at);
  if (at === -1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new ExpectedValue(
      'KEY=VALUE with a variable name such as HERMES_X',
      at === -1 ? name : `${name}=…`,
    );
  return { ...previous, [name]: value.slice(at + 1) };
}
