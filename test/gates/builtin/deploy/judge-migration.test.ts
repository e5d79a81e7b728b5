import { describe, expect, it } from 'vitest';
import { compareSnapshots } from '../../../../src/gates/builtin/deploy/compare-snapshots.ts';
import {
  specQuery,
  tallyQuery,
  type ColumnShape,
  type RecordsSnapshot,
} from '../../../../src/gates/builtin/deploy/data-snapshot.ts';
import { judgeMigration, type MigrationFacts } from '../../../../src/gates/builtin/deploy/judge-migration.ts';
import { appliedVersion, failureOf } from '../../../../src/gates/builtin/deploy/migrate-production.ts';
import { MigrationError } from '../../../../src/migrations/migration-error.ts';
import { canonicalType, isDeclared } from '../../../../src/gates/builtin/deploy/type-names.ts';
import { quoteRecords } from '../../../../src/gates/builtin/db/record-table.ts';
import type { MigrationStatus } from '../../../../src/migrations/migration-status.ts';

const records = {
  table: 'hermes_leads',
  idColumn: 'lead_id',
  emailColumn: 'email',
  createdAtColumn: 'created_at',
  outboxTable: null,
};

function column(name: string, type: string, nullable = false): ColumnShape {
  return {
    name,
    dataType: type,
    udtName: type,
    maxLength: null,
    precision: null,
    scale: null,
    nullable,
    type,
  };
}

function snapshot(overrides: Partial<RecordsSnapshot> = {}): RecordsSnapshot {
  return {
    table: 'hermes_leads',
    columns: [column('lead_id', 'text'), column('created_at', 'timestamp with time zone')],
    constraints: [
      { name: 'hermes_leads_lead_id_key', type: 'u', definition: 'UNIQUE (lead_id)', validated: true },
    ],
    figures: {
      spec: {
        total_records: 2,
        unique_leads: 2,
        earliest_record: new Date('2025-01-01T00:00:00Z'),
        latest_record: new Date('2025-01-02T00:00:00Z'),
      },
      earliest: '2025-01-01 00:00:00+00',
      latest: '2025-01-02 00:00:00+00',
      tally: { total: 2, unique: 2, checksum: '123' },
    },
    ...overrides,
  };
}

const facts = (overrides: Partial<MigrationFacts> = {}): MigrationFacts => ({
  pending: ['0050_x'],
  applied: ['0050_x'],
  before: snapshot(),
  after: snapshot(),
  typeChanges: [],
  versionBefore: '0041',
  versionAfter: '0050',
  durationMs: 12,
  ...overrides,
});

describe('§2.2.2 queries', () => {
  it("is the spec's query, word for word, on the default records table", () => {
    const spaced = specQuery(quoteRecords(records)).replace(/\s+/g, ' ');
    expect(spaced).toBe(
      'SELECT COUNT(*) as total_records, COUNT(DISTINCT lead_id) as unique_leads, MIN(created_at) as earliest_record, MAX(created_at) as latest_record FROM hermes_leads;',
    );
  });

  it("quotes another project's names, and does without created_at when it has none", () => {
    const other = quoteRecords({
      ...records,
      table: 'app.Customers',
      idColumn: 'ref',
      createdAtColumn: null,
    });
    expect(specQuery(other)).toContain('MIN(NULL::timestamptz) as earliest_record');
    expect(specQuery(other)).toContain('FROM app."Customers";');
    expect(tallyQuery(other, true)).not.toContain('WHERE');
    expect(tallyQuery(quoteRecords(records), true)).toContain(
      'WHERE created_at IS NULL OR created_at <= $1::timestamptz',
    );
    expect(tallyQuery(quoteRecords(records), false)).not.toContain('WHERE');
  });
});

describe('type names', () => {
  it('reads the short spellings as PostgreSQL prints types', () => {
    expect(canonicalType('varchar(200)')).toBe('character varying(200)');
    expect(canonicalType(' Numeric ( 10 , 2 ) ')).toBe('numeric(10,2)');
    expect(canonicalType('decimal(10,2)')).toBe('numeric(10,2)');
    expect(canonicalType('timestamptz(3)')).toBe('timestamp(3) with time zone');
    expect(canonicalType('timestamp')).toBe('timestamp without time zone');
    expect(canonicalType('int4[]')).toBe('integer[]');
    expect(canonicalType('timestamp(3) with time zone')).toBe('timestamp(3) with time zone');
    expect(canonicalType('character varying(200)')).toBe('character varying(200)');
    expect(canonicalType('"MyEnum"')).toBe('"myenum"');
  });

  it('matches a declared conversion by column, from and to', () => {
    const declared = [{ column: 'phone', from: 'varchar(20)', to: 'text' }];
    expect(isDeclared(declared, 'phone', 'character varying(20)', 'text')).toBe(true);
    expect(isDeclared(declared, 'email', 'character varying(20)', 'text')).toBe(false);
    expect(isDeclared(declared, 'phone', 'character varying(30)', 'text')).toBe(false);
    expect(isDeclared(declared, 'phone', 'character varying(20)', 'bigint')).toBe(false);
  });
});

describe('compareSnapshots', () => {
  it('finds nothing to say about an unchanged table', () => {
    expect(compareSnapshots(snapshot(), snapshot(), [])).toEqual({
      problems: [],
      notes: [],
      columnProblems: 0,
      lostOrChangedIds: false,
      constraintsAdded: 0,
      constraintsNotValidated: 0,
    });
  });

  it('notes a table created, and fails a table gone', () => {
    expect(compareSnapshots(null, snapshot(), []).notes).toEqual(['table hermes_leads created']);
    expect(compareSnapshots(null, null, [])).toMatchObject({ problems: [], notes: [] });
    expect(compareSnapshots(snapshot(), null, []).problems).toEqual(['table hermes_leads disappeared']);
  });

  it('notes nullability changes and constraints changed, validated or dropped; those are not data losses', () => {
    const after = snapshot({
      columns: [column('lead_id', 'text', true), column('created_at', 'timestamp with time zone')],
      constraints: [
        {
          name: 'hermes_leads_lead_id_key',
          type: 'u',
          definition: 'UNIQUE (lead_id, created_at)',
          validated: true,
        },
      ],
    });
    const before = snapshot({
      columns: [column('lead_id', 'text'), column('created_at', 'timestamp with time zone', true)],
      constraints: [
        { name: 'hermes_leads_lead_id_key', type: 'u', definition: 'UNIQUE (lead_id)', validated: true },
        { name: 'old_check', type: 'c', definition: 'CHECK (true)', validated: true },
      ],
    });
    expect(compareSnapshots(before, after, []).notes).toEqual([
      'column lead_id: now nullable',
      'column created_at: now NOT NULL',
      'constraint hermes_leads_lead_id_key changed: UNIQUE (lead_id) → UNIQUE (lead_id, created_at)',
      'constraint old_check dropped',
    ]);
    const notValid = snapshot({
      constraints: [
        { name: 'hermes_leads_lead_id_key', type: 'u', definition: 'UNIQUE (lead_id)', validated: false },
      ],
    });
    expect(compareSnapshots(notValid, snapshot(), []).notes).toEqual([
      'constraint hermes_leads_lead_id_key validated',
    ]);
  });

  it('leaves the figures to the column check when a column they need is gone', () => {
    const after = snapshot({ columns: [column('created_at', 'timestamp with time zone')], figures: null });
    expect(compareSnapshots(snapshot(), after, []).problems).toEqual(['column lead_id disappeared']);
  });

  it('sees an id replaced by another even when every count stays the same', () => {
    const base = snapshot();
    const figures = base.figures;
    if (figures === null) throw new Error('figures expected');
    const after = snapshot({ figures: { ...figures, tally: { ...figures.tally, checksum: '456' } } });
    expect(compareSnapshots(base, after, [])).toMatchObject({
      lostOrChangedIds: true,
      problems: ["lead ids lost or changed (the checksum of hermes_leads's ids differs)"],
    });
    const emptied = snapshot({ figures: { ...figures, earliest: null } });
    expect(compareSnapshots(base, emptied, []).problems).toEqual([
      'earliest record changed: 2025-01-01 00:00:00+00 → none',
    ]);
    expect(compareSnapshots(emptied, base, []).problems).toEqual([
      'earliest record changed: none → 2025-01-01 00:00:00+00',
    ]);
  });
});

describe('judgeMigration', () => {
  it('fails naming the failed migration, and adds what it changed anyway', () => {
    const failure = { migration: '0050_x', error: 'boom' };
    expect(judgeMigration(facts({ applied: [], failure, versionAfter: '0041' })).summary).toBe(
      'migration 0050_x failed: boom; data unchanged',
    );
    const gone = snapshot({ columns: [column('lead_id', 'text')], figures: null });
    const outcome = judgeMigration(facts({ applied: [], failure, after: gone }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('migration 0050_x failed: boom; and: column created_at disappeared');
    expect(outcome.measurements?.map((m) => m.name)).not.toContain('records after');
  });

  it('says so when there is no records table before or after', () => {
    const outcome = judgeMigration(facts({ before: null, after: null }));
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('1 migration applied (version 0041 → 0050); no records table');
    expect(outcome.evidence?.[0]?.content).toEqual([
      {
        snapshot: 'before',
        total_records: null,
        unique_leads: null,
        earliest_record: null,
        latest_record: null,
      },
      {
        snapshot: 'after',
        total_records: null,
        unique_leads: null,
        earliest_record: null,
        latest_record: null,
      },
    ]);
    expect(
      judgeMigration(facts({ pending: [], applied: [], versionAfter: null, before: null, after: null }))
        .summary,
    ).toBe('schema up to date (version none); no records table');
  });

  it('shows the spec figures of both snapshots as rows', () => {
    const outcome = judgeMigration(facts());
    expect(outcome.evidence?.[0]?.content).toEqual([
      {
        snapshot: 'before',
        total_records: 2,
        unique_leads: 2,
        earliest_record: '2025-01-01T00:00:00.000Z',
        latest_record: '2025-01-02T00:00:00.000Z',
      },
      {
        snapshot: 'after',
        total_records: 2,
        unique_leads: 2,
        earliest_record: '2025-01-01T00:00:00.000Z',
        latest_record: '2025-01-02T00:00:00.000Z',
      },
    ]);
  });
});

describe('appliedVersion', () => {
  const status = (version: string, state: MigrationStatus['state']): MigrationStatus => ({
    version,
    name: `${version}_m`,
    state,
    appliedAt: null,
    executionMs: null,
    appliedBy: null,
    hasDown: true,
    outOfOrder: false,
  });

  it('is the newest version applied, or null when none is', () => {
    expect(
      appliedVersion([status('0001', 'applied'), status('0002', 'applied'), status('0003', 'pending')]),
    ).toBe('0002');
    expect(appliedVersion([status('0001', 'pending')])).toBeNull();
    expect(appliedVersion([])).toBeNull();
  });
});

describe('failureOf', () => {
  it('names the migration that failed, or the plan when it was refused', () => {
    expect(failureOf(undefined)).toBeUndefined();
    expect(failureOf({ direction: 'up', results: [] })).toBeUndefined();
    const failed = new MigrationError('migration_failed', '0050_x (up) failed: boom');
    expect(
      failureOf({
        direction: 'up',
        results: [
          {
            version: '0050',
            name: '0050_x',
            direction: 'up',
            status: 'failed',
            durationMs: 3,
            error: 'boom',
          },
        ],
        error: failed,
      }),
    ).toEqual({ migration: '0050_x', error: 'boom' });
    expect(
      failureOf({
        direction: 'up',
        results: [{ version: '0050', name: '0050_x', direction: 'up', status: 'failed', durationMs: 3 }],
        error: failed,
      }),
    ).toEqual({ migration: '0050_x', error: '0050_x (up) failed: boom' });
    const refused = new MigrationError('migration_blocked', 'migrate up refused', {
      details: ['0001_a: checksum mismatch'],
    });
    expect(failureOf({ direction: 'up', results: [], error: refused })).toEqual({
      migration: 'the plan',
      error: 'migrate up refused; 0001_a: checksum mismatch',
    });
  });
});
