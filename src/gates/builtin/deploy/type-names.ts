import type { DeclaredTypeChange } from '../../../config/sections/deploy-migrate-thresholds.ts';

/**
 * Column types as people write them in hermes.yaml (`varchar(200)`, `int4`, `timestamptz`) read
 * as PostgreSQL's format_type() prints them (`character varying(200)`, `integer`,
 * `timestamp with time zone`), so a declared type change matches whichever spelling was used.
 */

/** Short name → format_type's words before and after the modifier (`timestamp(3) with time zone`). */
const aliases: Readonly<Record<string, readonly [string, string]>> = {
  varchar: ['character varying', ''],
  char: ['character', ''],
  bpchar: ['character', ''],
  int: ['integer', ''],
  int4: ['integer', ''],
  int2: ['smallint', ''],
  int8: ['bigint', ''],
  bool: ['boolean', ''],
  float4: ['real', ''],
  float8: ['double precision', ''],
  decimal: ['numeric', ''],
  timestamptz: ['timestamp', ' with time zone'],
  timestamp: ['timestamp', ' without time zone'],
  timetz: ['time', ' with time zone'],
  time: ['time', ' without time zone'],
};

/** A type's name (`character varying`, `int4`): words of letters, digits and `_`. */
const typeWords = /^[a-z_][a-z0-9_ ]*$/;
/** Its modifier at the end: `(200)`, `(10,2)`. */
const typeModifier = /\([\d,]+\)$/;

export function canonicalType(text: string): string {
  const compact = text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    // `numeric ( 10 , 2 )` → `numeric(10,2)`; the space after `)` stays (`timestamp(3) with time zone`).
    .replace(/\s*([(,[])\s*/g, '$1')
    .replace(/\s*([)\]])/g, '$1');
  let rest = compact;
  let arrays = '';
  while (rest.endsWith('[]')) {
    rest = rest.slice(0, -2);
    arrays += '[]';
  }
  const modifier = typeModifier.exec(rest)?.[0] ?? '';
  const words = rest.slice(0, rest.length - modifier.length);
  const alias = typeWords.test(words) ? aliases[words] : undefined;
  if (alias === undefined) return compact;
  return `${alias[0]}${modifier}${alias[1]}${arrays}`;
}

/** Whether hermes.yaml declares this conversion of `column` as intended. */
export function isDeclared(
  declared: readonly DeclaredTypeChange[],
  column: string,
  from: string,
  to: string,
): boolean {
  return declared.some(
    (d) =>
      d.column === column &&
      canonicalType(d.from) === canonicalType(from) &&
      canonicalType(d.to) === canonicalType(to),
  );
}
