import { postgreSplitterOptions, splitQuery } from 'dbgate-query-splitter';

/**
 * Whether a custom SQL gate's query is one statement that only reads. Checked when the config is
 * loaded (so `hermes gates validate` refuses it, naming the key) and again before the query runs.
 * This is a lexical check, the first of several defences: the query is also sent with the extended
 * protocol (one statement only), inside a read-only transaction that is always rolled back.
 */
export type StatementCheck = { ok: true; statement: string } | { ok: false; problem: string };

/** Statements that start this way read (EXPLAIN only without ANALYZE, which executes). */
const readingStarts = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'EXPLAIN']);
/**
 * Words that make a reading statement write: a data-modifying CTE, SELECT INTO, EXPLAIN ANALYZE
 * (which executes what it explains), and set_config, which could undo the gate's role or timeout.
 */
const writingWords = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'INTO',
  'ANALYZE',
  'ANALYSE',
  'SET_CONFIG',
]);

/**
 * The statement's bare words, upper-cased, outside comments, string literals, quoted identifiers
 * and dollar-quoted bodies: what the statement does, not what its data says.
 */
function statementWords(sql: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    if (rest.startsWith('--')) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (rest.startsWith('/*')) {
      i = skipBlockComment(sql, i);
    } else if (rest.startsWith("'")) {
      // Backslash escapes only in E'...' (standard_conforming_strings, on since PostgreSQL 9.1).
      const escapes = /[Ee]/.test(sql.charAt(i - 1)) && !/[\w$]/.test(sql.charAt(i - 2));
      i = skipQuoted(sql, i, "'", escapes);
    } else if (rest.startsWith('"')) {
      i = skipQuoted(sql, i, '"');
    } else {
      const dollar = dollarQuote(rest);
      const word = /^[A-Za-z_][\w$]*/.exec(rest);
      if (dollar !== undefined) {
        const end = sql.indexOf(dollar, i + dollar.length);
        i = end === -1 ? sql.length : end + dollar.length;
      } else if (word) {
        words.push(word[0].toUpperCase());
        i += word[0].length;
      } else i += 1;
    }
  }
  return words;
}

/** The opening `$$` or `$tag$` of a dollar-quoted body at the start of `text`, if any. */
function dollarQuote(text: string): string | undefined {
  if (!text.startsWith('$')) return undefined;
  const close = text.indexOf('$', 1);
  if (close === -1) return undefined;
  const tag = text.slice(1, close);
  return tag === '' || /^[A-Za-z_]\w*$/.test(tag) ? text.slice(0, close + 1) : undefined;
}

/** Block comments nest in PostgreSQL. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else i += 1;
  }
  return i;
}

/** A quote doubled inside is an escaped quote; in an E'...' string a backslash escapes too. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes = false): number {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql.charAt(i);
    if (backslashEscapes && char === '\\') i += 2;
    else if (char === quote && sql.charAt(i + 1) === quote) i += 2;
    else if (char === quote) return i + 1;
    else i += 1;
  }
  return i;
}

export function checkReadOnlyStatement(sql: string): StatementCheck {
  // Pieces that are only comments (`SELECT 1; -- note`) are not statements.
  const statements = splitQuery(sql, postgreSplitterOptions).filter(
    (s): s is string => typeof s === 'string' && statementWords(s).length > 0,
  );
  const [statement] = statements;
  if (statements.length !== 1 || statement === undefined)
    return {
      ok: false,
      problem: `expected one read-only statement, got ${statements.length} statement${statements.length === 1 ? '' : 's'}`,
    };
  const words = statementWords(statement);
  const first = words[0] ?? '';
  if (!readingStarts.has(first))
    return {
      ok: false,
      problem: `expected one read-only statement, got ${first} (only SELECT, WITH, VALUES, TABLE, EXPLAIN read)`,
    };
  const writing = words.find((word) => writingWords.has(word));
  if (writing !== undefined)
    return {
      ok: false,
      problem: `expected one read-only statement, got ${/^[AEIOU]/.test(first) ? 'an' : 'a'} ${first} that uses ${writing}`,
    };
  return { ok: true, statement };
}
