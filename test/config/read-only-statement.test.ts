import { describe, expect, it } from 'vitest';
import { checkReadOnlyStatement } from '../../src/config/read-only-statement.ts';

// The lexical check judges what a statement does, not what its text quotes: a word inside a
// comment, a string, a quoted identifier or a dollar-quoted body neither writes nor reads.

const problemOf = (sql: string): string | undefined => {
  const checked = checkReadOnlyStatement(sql);
  return checked.ok ? undefined : checked.problem;
};

describe('checkReadOnlyStatement', () => {
  it('ignores writing words inside line and block comments', () => {
    expect(problemOf('SELECT 1 -- DELETE everything')).toBeUndefined();
    expect(problemOf('-- DELETE FROM t\nSELECT 1')).toBeUndefined();
    expect(problemOf('/* DELETE */ SELECT 1')).toBeUndefined();
  });

  it('reads line comments to their end only: the next line still counts', () => {
    expect(problemOf('SELECT 1 -- a note\nINTO t')).toBe(
      'expected one read-only statement, got a SELECT that uses INTO',
    );
  });

  it('follows nested block comments to their last close, as PostgreSQL does', () => {
    expect(problemOf('/* outer /* inner */ DELETE */ SELECT 1')).toBeUndefined();
    // After the comment closes, the words count again.
    expect(problemOf('/* a /* b */ c */ DELETE FROM t')).toBe(
      'expected one read-only statement, got DELETE (only SELECT, WITH, VALUES, TABLE, EXPLAIN read)',
    );
  });

  it('ignores words in string literals and quoted identifiers', () => {
    expect(problemOf("SELECT 'DELETE' AS word")).toBeUndefined();
    expect(problemOf('SELECT "into" FROM t')).toBeUndefined();
    // E'...' escapes: the backslashed quote does not end the string.
    expect(problemOf("SELECT E'\\' DELETE' AS word")).toBeUndefined();
  });

  it('reads a backslash in a standard string as a character, as PostgreSQL does, so a write after it is seen', () => {
    // With standard_conforming_strings (on since 9.1) 'a\' ends at the second quote.
    const hidden =
      "WITH q AS (SELECT 'a\\'), d AS (DELETE FROM hermes_leads RETURNING 1) SELECT count(*) FROM d -- '";
    expect(problemOf(hidden)).toBe('expected one read-only statement, got a WITH that uses DELETE');
    expect(problemOf("SELECT e'it\\'s' AS word")).toBeUndefined();
    // An identifier ending in e is not the E prefix.
    expect(problemOf("SELECT some'a\\' , (DELETE)")).toBe(
      'expected one read-only statement, got a SELECT that uses DELETE',
    );
  });

  it('ignores dollar-quoted bodies, tagged or not, and reads on after them', () => {
    expect(problemOf('SELECT $$ DELETE $$')).toBeUndefined();
    expect(problemOf('SELECT $body$ INSERT INTO t $body$ AS x')).toBeUndefined();
    expect(problemOf('SELECT $body$ x $body$ INTO t')).toBe(
      'expected one read-only statement, got a SELECT that uses INTO',
    );
  });

  it('does not take a parameter ($1) or an invalid tag for a dollar quote that would hide what follows', () => {
    expect(problemOf('SELECT $1 INTO t')).toBe(
      'expected one read-only statement, got a SELECT that uses INTO',
    );
    expect(problemOf('SELECT $9x$ INTO t')).toBe(
      'expected one read-only statement, got a SELECT that uses INTO',
    );
    expect(problemOf('SELECT $ INTO t')).toBe(
      'expected one read-only statement, got a SELECT that uses INTO',
    );
  });

  it('counts no statement in comments alone, and says so', () => {
    expect(problemOf('-- only a note')).toBe('expected one read-only statement, got 0 statements');
    expect(problemOf('/* unterminated')).toBe('expected one read-only statement, got 0 statements');
    expect(problemOf('SELECT 1; -- trailing note')).toBeUndefined();
  });

  it('returns the one statement without the comment-only pieces around it', () => {
    expect(checkReadOnlyStatement('SELECT 1; -- note')).toEqual({ ok: true, statement: 'SELECT 1' });
  });

  it('takes VALUES and TABLE as reading, upper or lower case, and refuses SELECT INTO in any case', () => {
    expect(problemOf('VALUES (1)')).toBeUndefined();
    expect(problemOf('table hermes_leads')).toBeUndefined();
    expect(problemOf('select count(*) into x from t')).toBe(
      'expected one read-only statement, got a SELECT that uses INTO',
    );
  });

  it('refuses set_config, which could undo the gate role or its timeout', () => {
    expect(problemOf("SELECT set_config('role', 'postgres', false)")).toBe(
      'expected one read-only statement, got a SELECT that uses SET_CONFIG',
    );
  });
});
