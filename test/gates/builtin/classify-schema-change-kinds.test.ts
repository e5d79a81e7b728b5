import { describe, expect, it } from 'vitest';
import { breakingChanges, isWidening } from '../../../src/gates/builtin/db/classify-schema-change.ts';

const relation = (name: string) => `relation ${name} r`;

describe('breakingChanges: tables', () => {
  it('names a dropped (or renamed) table once, not each of its columns', () => {
    const before = [
      relation('public.gone'),
      'column public.gone.a integer not null',
      'column public.gone.b text',
      relation('public.kept'),
      'column public.kept.a integer',
    ];
    const after = [relation('public.kept'), 'column public.kept.a integer'];
    expect(breakingChanges(before, after)).toEqual(['dropped or renamed table public.gone']);
  });

  it('lets a new table through, whatever NOT NULL columns it has: no old code writes to it', () => {
    const before = [relation('public.t'), 'column public.t.a integer'];
    const after = [...before, relation('public.fresh'), 'column public.fresh.required text not null'];
    expect(breakingChanges(before, after)).toEqual([]);
  });

  it('lets a new nullable column, or a NOT NULL one the database fills, through', () => {
    const before = [relation('public.t'), 'column public.t.a integer'];
    const after = [
      ...before,
      'column public.t.nullable text',
      "column public.t.defaulted text not null default 'x'::text",
      'column public.t.id bigint not null identity d',
      'column public.t.total integer not null generated default (a * 2)',
    ];
    expect(breakingChanges(before, after)).toEqual([]);
  });

  it('lets NOT NULL be dropped from a column: old writes still fit', () => {
    const before = [relation('public.t'), 'column public.t.a integer not null'];
    const after = [relation('public.t'), 'column public.t.a integer'];
    expect(breakingChanges(before, after)).toEqual([]);
  });
});

describe('isWidening: the type changes old values survive', () => {
  it('takes an unbounded varchar to text, and nothing but a wider varchar or text from a bounded one', () => {
    expect(isWidening('character varying', 'text')).toBe(true);
    expect(isWidening('character varying(10)', 'character varying(10)')).toBe(true);
    expect(isWidening('character varying(10)', 'integer')).toBe(false);
    expect(isWidening('character varying(10)', 'character(10)')).toBe(false);
  });

  it('keeps the scale of a numeric and lets its precision grow, or the bound go', () => {
    expect(isWidening('numeric(5,2)', 'numeric(5,2)')).toBe(true);
    expect(isWidening('numeric(5,2)', 'numeric(4,2)')).toBe(false);
    expect(isWidening('numeric(5,2)', 'integer')).toBe(false);
    // Unbounded to bounded may round or overflow.
    expect(isWidening('numeric', 'numeric(20,2)')).toBe(false);
  });

  it('orders the integer types, and takes nothing else as an integer widening', () => {
    expect(isWidening('smallint', 'bigint')).toBe(true);
    expect(isWidening('integer', 'smallint')).toBe(false);
    // Read back differently (node-postgres gives a numeric as a string, not a number): a change of type.
    expect(isWidening('integer', 'numeric')).toBe(false);
    expect(isWidening('bigint', 'text')).toBe(false);
    expect(isWidening('text', 'integer')).toBe(false);
  });
});
