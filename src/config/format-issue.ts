import type { z } from 'zod';
import { isSecretKey, REDACTED, redactUrl } from './redact.ts';

type Issue = z.core.$ZodIssue;

/** A short, printable excerpt of a value found in the config (secrets never shown). */
export function describeValue(value: unknown, path: readonly PropertyKey[]): string {
  if (value === undefined) return 'nothing';
  // `admin.apiKeys.0` is as secret as `admin.apiKeys`.
  if (path.some((segment) => typeof segment === 'string' && isSecretKey(segment))) return REDACTED;
  if (typeof value === 'string') {
    const shown = redactUrl(value);
    return JSON.stringify(shown.length > 60 ? `${shown.slice(0, 57)}...` : shown);
  }
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
    ? String(value)
    : typeof value;
}

function expectation(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'an integer' : issue.expected}`;
    case 'too_big':
      return `expected ${issue.origin} ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}`;
    case 'too_small':
      return `expected ${issue.origin} ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `expected ${issue.format}`;
    default:
      return issue.message;
  }
}

/** `server.port: expected number <= 65535, got 70000 (from env PORT)` */
export function formatIssue(issue: Issue, sourceOf: (path: string) => string | undefined): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
    return `${keys.join(', ')}: unknown key${keys.length > 1 ? 's' : ''} (from ${sourceOf(keys[0] ?? '') ?? 'file'})`;
  }
  const source = sourceOf(path);
  const where = source ? ` (from ${source})` : '';
  return `${path || '(root)'}: ${expectation(issue)}, got ${describeValue(issue.input, issue.path)}${where}`;
}
