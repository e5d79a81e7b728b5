import { describe, expect, it } from 'vitest';
import { breakingChanges, isWidening } from '../../../src/gates/builtin/db/classify-schema-change.ts';

const table = 'relation public.t r';

describe('breakingChanges', () => {
  it('names dropped columns, narrowed types, added NOT NULL and required new columns', () => {
    const before = [table, 'column public.t.a integer', 'column public.t.b text', 'column public.t.c text'];
    const after = [
      table,
      'column public.t.a smallint',
      'column public.t.b text not null',
      'column public.t.d text not null',
      'column public.t.e text not null default now()',
      'column public.t.f bigint not null identity a',
    ];
    expect(breakingChanges(before, after)).toEqual([
      'changed type of public.t.a from integer to smallint',
      'NOT NULL added to existing column public.t.b',
      'dropped or renamed column public.t.c',
      'NOT NULL column without default added: public.t.d',
    ]);
  });

  it('does not read "not null" inside a default expression as the column being NOT NULL', () => {
    const before = [table, "column public.t.note text default 'draft'::text"];
    const after = [table, "column public.t.note text default 'must be not null'::text"];
    expect(breakingChanges(before, after)).toEqual([]);
  });

  it('sees a column whose default spans lines dropped', () => {
    const before = [table, 'column public.t.a integer', "column public.t.note text default 'a\nb'::text"];
    const after = [table, 'column public.t.a integer'];
    expect(breakingChanges(before, after)).toEqual(['dropped or renamed column public.t.note']);
  });

  it('lets a widened type through, and names a narrowed one', () => {
    const change = (from: string, to: string) =>
      breakingChanges([table, `column public.t.a ${from}`], [table, `column public.t.a ${to}`]);
    // Every old value fits and reads back the same: no breaking change.
    for (const [from, to] of [
      ['smallint', 'integer'],
      ['integer', 'bigint'],
      ['character varying(10)', 'character varying(20)'],
      ['character varying(10)', 'character varying'],
      ['character varying(10)', 'text'],
      ['numeric(5,2)', 'numeric(8,2)'],
      ['numeric(5,2)', 'numeric'],
    ] as const)
      expect(change(from, to), `${from} → ${to}`).toEqual([]);
    for (const [from, to] of [
      ['bigint', 'integer'],
      ['character varying(20)', 'character varying(10)'],
      ['text', 'character varying(10)'],
      ['numeric(8,2)', 'numeric(8,3)'],
      ['numeric(8,2)', 'numeric(6,2)'],
      ['integer', 'text'],
    ] as const)
      expect(change(from, to), `${from} → ${to}`).toEqual([
        `changed type of public.t.a from ${from} to ${to}`,
      ]);
    expect(isWidening('uuid', 'uuid')).toBe(true);
  });
});
