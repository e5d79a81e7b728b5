import { describe, expect, it } from 'vitest';
import {
  fillsItself,
  parseColumnDefinition,
  parseColumnLine,
} from '../../../src/gates/builtin/db/snapshot-columns.ts';

describe('a schema snapshot column line', () => {
  it('is split into relation, column and definition', () => {
    expect(parseColumnLine('column public.hermes_leads.email character varying(320) not null')).toEqual({
      relation: 'public.hermes_leads',
      column: 'email',
      type: 'character varying(320)',
      notNull: true,
      identity: '',
      generated: false,
      default: undefined,
    });
  });

  it('reads every flag in the order the snapshot writes them', () => {
    expect(parseColumnDefinition('bigint not null identity a')).toEqual({
      type: 'bigint',
      notNull: true,
      identity: 'identity a',
      generated: false,
      default: undefined,
    });
    expect(parseColumnDefinition('integer generated default (a * 2)')).toEqual({
      type: 'integer',
      notNull: false,
      identity: '',
      generated: true,
      default: '(a * 2)',
    });
    expect(parseColumnDefinition('timestamp with time zone not null default now()')).toMatchObject({
      type: 'timestamp with time zone',
      notNull: true,
      default: 'now()',
    });
  });

  it('takes a default as free text: flags written inside it are not flags', () => {
    expect(parseColumnDefinition("text default 'x not null generated'::text")).toEqual({
      type: 'text',
      notNull: false,
      identity: '',
      generated: false,
      default: "'x not null generated'::text",
    });
  });

  it('keeps a default that spans lines', () => {
    expect(parseColumnLine("column public.t.note text default 'a\nb'::text")).toMatchObject({
      relation: 'public.t',
      column: 'note',
      default: "'a\nb'::text",
    });
  });

  it('is none for lines of other objects and for malformed column lines', () => {
    expect(parseColumnLine('relation public.hermes_leads r')).toBeUndefined();
    expect(parseColumnLine('column public.hermes_leads.email')).toBeUndefined();
    expect(parseColumnLine('column email text')).toBeUndefined();
  });

  it('fills itself with a default, as identity or as generated column, not otherwise', () => {
    const of = (definition: string) => fillsItself(parseColumnDefinition(definition));
    expect(of('text not null default now()')).toBe(true);
    expect(of('bigint not null identity d')).toBe(true);
    expect(of('integer generated default (a * 2)')).toBe(true);
    expect(of('text not null')).toBe(false);
  });
});
