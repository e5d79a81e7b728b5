import { describe, expect, it } from 'vitest';
import { gateThresholdsSection } from '../../../src/config/sections/gate-thresholds.ts';
import {
  quoteIdentifier,
  quoteQualifiedName,
  quoteRecords,
} from '../../../src/gates/builtin/db/record-table.ts';

const records = gateThresholdsSection.parse(undefined).db.records;

describe('quoting the records table names', () => {
  it('leaves a plain lower-case name that is no keyword bare, as quote_ident does', () => {
    expect(quoteIdentifier('hermes_leads')).toBe('hermes_leads');
    expect(quoteIdentifier('_x1')).toBe('_x1');
    // Unreserved keywords need no quotes either.
    expect(quoteIdentifier('name')).toBe('name');
    expect(quoteRecords(records)).toEqual({
      table: 'hermes_leads',
      idColumn: 'lead_id',
      emailColumn: 'email',
      createdAtColumn: 'created_at',
      outboxTable: 'hermes_outbox',
    });
  });

  it('quotes keywords, mixed case, other characters, and doubles a quote inside', () => {
    expect(quoteIdentifier('user')).toBe('"user"');
    expect(quoteIdentifier('order')).toBe('"order"');
    expect(quoteIdentifier('timestamp')).toBe('"timestamp"');
    expect(quoteIdentifier('Customers')).toBe('"Customers"');
    expect(quoteIdentifier('1st')).toBe('"1st"');
    expect(quoteIdentifier('e-mail')).toBe('"e-mail"');
    expect(quoteIdentifier('a$')).toBe('"a$"');
    expect(quoteIdentifier('')).toBe('""');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });

  it('splits a schema-qualified name on the dot and quotes each part', () => {
    expect(quoteQualifiedName('app.customers')).toBe('app.customers');
    expect(quoteQualifiedName('App.select')).toBe('"App"."select"');
    expect(
      quoteRecords({
        ...records,
        table: 'crm.Contacts',
        idColumn: 'Id',
        emailColumn: null,
        outboxTable: 'crm.user',
      }),
    ).toEqual({
      table: 'crm."Contacts"',
      idColumn: '"Id"',
      emailColumn: null,
      createdAtColumn: 'created_at',
      outboxTable: 'crm."user"',
    });
  });
});
