import { describe, expect, it } from 'vitest';
import {
  compareSchemaObjects,
  describeDrift,
  headlineDrift,
  type Drift,
} from '../../../src/gates/builtin/db/compare-schema-objects.ts';
import type { SchemaObject } from '../../../src/migrations/schema-snapshot.ts';

// Snapshot rows as takeSchemaObjects returns them.
const relation = (name: string, relkind = 'r'): SchemaObject => ({
  kind: 'relation',
  owner: '',
  name,
  line: `relation ${name} ${relkind}`,
});
const column = (name: string, definition: string): SchemaObject => ({
  kind: 'column',
  owner: '',
  name,
  line: `column ${name} ${definition}`,
});
const index = (name: string, table: string, definition: string): SchemaObject => ({
  kind: 'index',
  owner: table,
  name,
  line: `index ${definition}`,
});

/** The change text of a column whose definition went from `before` to `after`. */
function columnChange(before: string, after: string): string | undefined {
  const { drift } = compareSchemaObjects([column('public.t.a', before)], [column('public.t.a', after)]);
  expect(drift).toHaveLength(1);
  expect(drift[0]?.kind).toBe('differs');
  return drift[0]?.change;
}

describe('compareSchemaObjects', () => {
  it('counts identical objects as matched, and names the missing, the unexpected and the changed', () => {
    const expected = [
      relation('public.t'),
      column('public.t.a', 'integer not null'),
      index('public.t_a_idx', 'public.t', 'CREATE INDEX t_a_idx ON public.t USING btree (a)'),
    ];
    const actual = [relation('public.t'), column('public.t.a', 'bigint not null'), relation('public.extra')];
    const { matched, drift } = compareSchemaObjects(expected, actual);
    expect(matched).toBe(1);
    expect(drift).toEqual([
      {
        kind: 'differs',
        object: 'column t.a',
        objectKind: 'column',
        name: 'public.t.a',
        table: 'public.t',
        change: 'type integer → bigint',
        expected: 'column public.t.a integer not null',
        actual: 'column public.t.a bigint not null',
      },
      {
        kind: 'missing',
        object: 'index t_a_idx',
        objectKind: 'index',
        name: 'public.t_a_idx',
        table: 'public.t',
        expected: 'index CREATE INDEX t_a_idx ON public.t USING btree (a)',
      },
      {
        kind: 'unexpected',
        object: 'table extra',
        objectKind: 'relation',
        name: 'public.extra',
        actual: 'relation public.extra r',
      },
    ]);
  });

  it('matches objects by kind and name, so that a table and an index of the same name are two objects', () => {
    const { matched, drift } = compareSchemaObjects(
      [relation('public.x')],
      [index('public.x', 'public.t', 'CREATE INDEX x ON public.t USING btree (a)')],
    );
    expect(matched).toBe(0);
    expect(drift.map((d) => `${d.kind} ${d.object}`)).toEqual(['missing table x', 'unexpected index x']);
  });

  it('says what changed in a column: type, NOT NULL, default, identity, generation', () => {
    expect(columnChange('text not null', 'text')).toBe('NOT NULL removed');
    expect(columnChange('text', 'text not null')).toBe('NOT NULL added');
    expect(columnChange("text default 'a'::text", 'text')).toBe('default removed');
    expect(columnChange('text', "text default 'a'::text")).toBe("default 'a'::text added");
    expect(columnChange("text default 'a'::text", "text default 'b'::text")).toBe(
      "default 'a'::text → 'b'::text",
    );
    expect(columnChange('bigint not null identity a', 'bigint not null identity d')).toBe('identity differs');
    expect(columnChange('integer', 'integer generated default (b * 2)')).toBe(
      'default (b * 2) added, generated expression differs',
    );
    expect(columnChange('integer not null', 'text')).toBe('type integer → text, NOT NULL removed');
  });

  it('says "definition differs" for a changed object other than a column', () => {
    const { drift } = compareSchemaObjects(
      [index('public.i', 'public.t', 'CREATE INDEX i ON public.t USING btree (a)')],
      [index('public.i', 'public.t', 'CREATE INDEX i ON public.t USING btree (b)')],
    );
    expect(drift.map(describeDrift)).toEqual(['index i: definition differs']);
  });

  it('names each relation kind as people do, and leaves a schema other than public in the name', () => {
    const { drift } = compareSchemaObjects(
      [],
      [
        relation('public.p', 'p'),
        relation('public.v', 'v'),
        relation('public.m', 'm'),
        relation('public.s', 'S'),
        relation('public.f', 'f'),
        relation('app.odd', 'x'),
      ],
    );
    expect(drift.map(describeDrift)).toEqual([
      'table p not from any migration',
      'view v not from any migration',
      'materialized view m not from any migration',
      'sequence s not from any migration',
      'foreign table f not from any migration',
      'relation app.odd not from any migration',
    ]);
  });
});

describe('describeDrift', () => {
  it('reads each kind of drift as one line', () => {
    const base = { object: 'column t.a', objectKind: 'column', name: 'public.t.a' };
    expect(describeDrift({ ...base, kind: 'missing' })).toBe('column t.a missing');
    expect(describeDrift({ ...base, kind: 'unexpected' })).toBe('column t.a not from any migration');
    expect(describeDrift({ ...base, kind: 'differs', change: 'NOT NULL removed' })).toBe(
      'column t.a: NOT NULL removed',
    );
    expect(describeDrift({ ...base, kind: 'differs' })).toBe('column t.a: definition differs');
  });
});

describe('headlineDrift', () => {
  const drift = (kind: Drift['kind'], objectKind: string, name: string, table?: string): Drift => ({
    kind,
    object: `${objectKind} ${name}`,
    objectKind,
    name,
    ...(table === undefined ? {} : { table }),
  });

  it('puts schemas and tables first, then indexes, constraints, columns, and unknown kinds last', () => {
    const ordered = headlineDrift([
      drift('unexpected', 'extension', 'pg_trgm'),
      drift('differs', 'column', 'public.t.a', 'public.t'),
      drift('missing', 'constraint', 'c', 'public.t'),
      drift('missing', 'index', 'i', 'public.t'),
      drift('unexpected', 'schema', 'app'),
      drift('differs', 'relation', 'public.t'),
    ]);
    expect(ordered.map((d) => d.objectKind)).toEqual([
      'schema',
      'relation',
      'index',
      'constraint',
      'column',
      'extension',
    ]);
  });

  it('leaves out the parts of a table that is itself missing or unexpected, not of one that differs', () => {
    const headline = headlineDrift([
      drift('missing', 'relation', 'public.gone'),
      drift('missing', 'column', 'public.gone.a', 'public.gone'),
      drift('missing', 'index', 'public.gone_idx', 'public.gone'),
      drift('differs', 'relation', 'public.kept'),
      drift('differs', 'column', 'public.kept.a', 'public.kept'),
    ]);
    expect(headline.map((d) => d.name)).toEqual(['public.gone', 'public.kept', 'public.kept.a']);
  });
});
