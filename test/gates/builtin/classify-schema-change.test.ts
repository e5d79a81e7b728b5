import { describe, expect, it } from 'vitest';
import { breakingChanges } from '../../../src/gates/builtin/db/classify-schema-change.ts';

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
});
