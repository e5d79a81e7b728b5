import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  codes,
  describeCode,
  hermesCodes,
  httpStatusOf,
  isHermesCode,
  type CodeEntry,
} from '../../src/errors/codes.ts';

// As Fastify's test/internals/errors.test.js: the catalogue, the source and the reference page agree.

const root = join(import.meta.dirname, '../..');
const srcDir = join(root, 'src');
const catalogueFile = join(srcDir, 'errors/codes.ts');

const sources: ReadonlyMap<string, string> = new Map(
  readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(srcDir, file))
    .filter((file) => file !== catalogueFile)
    .map((file) => [relative(root, file), readFileSync(file, 'utf8')]),
);

/** Every match of `pattern`'s first group in the source, with the file it is in. */
function literalsIn(pattern: RegExp): { file: string; code: string }[] {
  const found: { file: string; code: string }[] = [];
  for (const [file, text] of sources) {
    for (const match of text.matchAll(pattern))
      if (match[1] !== undefined) found.push({ file, code: match[1] });
  }
  return found;
}

/** zod's issue codes, compared and raised in the config and lead schemas: not Hermes's. */
const zodIssueCodes = new Set(['custom', 'invalid_key', 'unrecognized_keys']);

describe('the error catalogue', () => {
  it('has no code twice (a duplicate key would silently win in the object)', () => {
    const keys = [...readFileSync(catalogueFile, 'utf8').matchAll(/^ {2}([a-z][a-z0-9_]*): \{/gm)].map(
      (m) => m[1],
    );
    expect(keys).toEqual(hermesCodes);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('names each code in snake_case', () => {
    for (const code of hermesCodes) {
      expect(code).toMatch(/^[a-z][a-z0-9_]*[a-z0-9]$/);
      expect(code.includes('__'), code).toBe(false);
    }
  });

  it('gives each code a meaning (one sentence), an exit code and, for HTTP codes, an error status', () => {
    const meanings = new Set<string>();
    for (const code of hermesCodes) {
      const entry: CodeEntry = describeCode(code);
      expect(entry.meaning.length, code).toBeGreaterThan(10);
      expect(entry.meaning.endsWith('.'), code).toBe(true);
      expect(meanings.has(entry.meaning), `${code}: the same meaning as another code`).toBe(false);
      meanings.add(entry.meaning);
      expect([1, 2], code).toContain(entry.exitCode);
      if (entry.httpStatus !== undefined) {
        expect(Number.isInteger(entry.httpStatus), code).toBe(true);
        expect(entry.httpStatus, code).toBeGreaterThanOrEqual(400);
        expect(entry.httpStatus, code).toBeLessThan(600);
      }
    }
  });

  it('answers lookups', () => {
    expect(httpStatusOf('validation_failed')).toBe(400);
    expect(httpStatusOf('rate_limited')).toBe(429);
    expect(httpStatusOf('database_unavailable')).toBe(503);
    expect(httpStatusOf('config_invalid')).toBeUndefined();
    expect(isHermesCode('lead_not_found')).toBe(true);
    expect(isHermesCode('toString')).toBe(false);
    expect(isHermesCode('no_such_code')).toBe(false);
    expect(codes.gates_failed.exitCode).toBe(1);
  });
});

describe('the catalogue and the source', () => {
  it('uses every catalogue code somewhere in src', () => {
    const all = [...sources.values()].join('\n');
    const quoted = (code: string) => [`'${code}'`, `"${code}"`, `\`${code}\``];
    const unused = hermesCodes.filter((code) => !quoted(code).some((text) => all.includes(text)));
    expect(unused).toEqual([]);
  });

  it('raises only catalogue codes (HermesError, its subclasses, HttpProblem)', () => {
    const raised = literalsIn(/new\s+(?:HermesError|MigrationError|HttpProblem)\(\s*'([^']*)'/g);
    expect(raised.length).toBeGreaterThan(40);
    expect(raised.filter(({ code }) => !isHermesCode(code))).toEqual([]);
  });

  it('writes only catalogue codes into answers (`code: ...` literals)', () => {
    const written = literalsIn(/\bcode:\s*'([^']*)'/g).filter(({ code }) => !zodIssueCodes.has(code));
    expect(written.filter(({ code }) => !isHermesCode(code))).toEqual([]);
  });

  it('compares codes with hasCode, never as strings', () => {
    // Node's, Fastify's and pg's codes are upper case (ECONNRESET, FST_ERR_..., 42P01), commander's
    // have a dot: a lower-case snake_case string compared with `.code` can only be one of ours.
    const compared = literalsIn(/(?<!typeof )\b(?!issue\b)\w+\.code\s*[!=]==?\s*'([a-z][a-z0-9_]*)'/g).filter(
      ({ code }) => !zodIssueCodes.has(code),
    );
    expect(compared).toEqual([]);
    const viaHelper = literalsIn(/\bhasCode\([^,()]+,\s*'([^']*)'\)/g);
    expect(viaHelper.filter(({ code }) => !isHermesCode(code))).toEqual([]);
  });
});

describe('the README', () => {
  // Fails until README.md has the "Error codes" table (its text: /tmp/briefs/readme11-codes.md).
  it('lists exactly the catalogue, with its exit codes and statuses', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = /^## Error codes\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1] ?? '';
    const rows = [...section.matchAll(/^\| `([a-z0-9_]+)` +\| ([12]) +\| (\d{3}|) *\|/gm)].map((m) => ({
      code: m[1],
      exitCode: Number(m[2]),
      httpStatus: m[3] === '' ? undefined : Number(m[3]),
    }));
    expect(rows).toEqual(
      hermesCodes.map((code) => ({
        code,
        exitCode: codes[code].exitCode,
        httpStatus: httpStatusOf(code),
      })),
    );
  });
});
