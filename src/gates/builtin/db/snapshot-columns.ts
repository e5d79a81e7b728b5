/**
 * Reads the column lines of a schema snapshot (takeSchemaObjects' format):
 * `column <schema>.<table>.<column> <type>[ not null][ identity x][ generated][ default expr]`.
 * The drift gate and the breaking-change gate both read them, so the format is known here only.
 */

export interface ColumnDefinition {
  type: string;
  notNull: boolean;
  /** `identity a` or `identity d`; empty when the column is no identity column. */
  identity: string;
  generated: boolean;
  default: string | undefined;
}

export interface SnapshotColumn extends ColumnDefinition {
  /** `public.hermes_leads` */
  relation: string;
  /** `email` */
  column: string;
}

/**
 * The part of a column line after its name, taken apart from the end: only the default is free
 * text, so a `not null` inside a default expression is not read as the flag.
 */
export function parseColumnDefinition(definition: string): ColumnDefinition {
  let rest = definition;
  const at = rest.indexOf(' default ');
  const defaultExpr = at === -1 ? undefined : rest.slice(at + ' default '.length);
  if (at !== -1) rest = rest.slice(0, at);
  const strip = (suffix: string): boolean => {
    if (!rest.endsWith(suffix)) return false;
    rest = rest.slice(0, -suffix.length);
    return true;
  };
  const generated = strip(' generated');
  const identity = / identity \w$/.exec(rest)?.[0].trim() ?? '';
  if (identity !== '') rest = rest.slice(0, -(identity.length + 1));
  const notNull = strip(' not null');
  return { type: rest, notNull, identity, generated, default: defaultExpr };
}

/**
 * One snapshot line as a column, or undefined for any other line. Without the object's name at
 * hand the qualified name ends at the first space and the column at its last dot.
 */
export function parseColumnLine(line: string): SnapshotColumn | undefined {
  // `s`: a default expression may span lines.
  const match = /^column (\S+)\.([^.\s]+) (.*)$/s.exec(line);
  if (!match) return undefined;
  const [, relation = '', column = '', definition = ''] = match;
  return { relation, column, ...parseColumnDefinition(definition) };
}

/** True when inserting a row may leave the column out: it has a default, or fills itself. */
export function fillsItself(column: ColumnDefinition): boolean {
  return column.default !== undefined || column.identity !== '' || column.generated;
}
