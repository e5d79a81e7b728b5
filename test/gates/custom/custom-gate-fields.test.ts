import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { customGateSchema, type CustomGateConfig } from '../../../src/config/sections/gates.ts';
import { customGateHead, customThresholds } from '../../../src/gates/custom/custom-gate-fields.ts';
import { httpGate } from '../../../src/gates/custom/http-gate.ts';
import { shellGate } from '../../../src/gates/custom/shell-gate.ts';
import { sqlGate } from '../../../src/gates/custom/sql-gate.ts';

const config = configSchema.parse({});
const parse = (entry: unknown): CustomGateConfig => customGateSchema.parse(entry);
const of = <K extends CustomGateConfig['kind']>(kind: K, entry: object) =>
  parse({ kind, ...entry }) as Extract<CustomGateConfig, { kind: K }>;

describe('customThresholds', () => {
  it("names each setting under the gate's entry, from the file, leaving out the unset and empty ones", () => {
    expect(
      customThresholds('smoke', [
        { key: 'expectStatus', value: [200], description: 'the statuses that pass' },
        { key: 'maxLatencyMs', value: 0, description: 'the longest answer time (ms)' },
        { key: 'bodyMatches', value: undefined, description: 'the body must match' },
        { key: 'outputMatches', value: '', description: 'the output must match' },
      ]),
    ).toEqual([
      {
        key: 'gates.custom[smoke].expectStatus',
        value: [200],
        source: 'file',
        description: 'the statuses that pass',
      },
      {
        key: 'gates.custom[smoke].maxLatencyMs',
        value: 0,
        source: 'file',
        description: 'the longest answer time (ms)',
      },
    ]);
  });
});

describe('customGateHead', () => {
  it("takes the entry's fields; the gate's own title and description stand in for missing ones", () => {
    const spec = of('shell', { id: 'x.run', command: 'true' });
    expect(customGateHead(spec, 'own title', 'own words')).toEqual({
      id: 'x.run',
      stage: 'pre-deploy',
      title: 'own title',
      description: 'own words',
      dependsOn: [],
    });
    const written = of('shell', {
      id: 'x.run',
      command: 'true',
      title: 'T',
      description: 'D',
      stage: 'post-deploy',
      dependsOn: ['a.b'],
      timeoutMs: 5_000,
    });
    expect(customGateHead(written, 'own title', 'own words')).toEqual({
      id: 'x.run',
      stage: 'post-deploy',
      title: 'T',
      description: 'D',
      dependsOn: ['a.b'],
      timeoutMs: 5_000,
    });
  });
});

describe('the custom gates', () => {
  it('an HTTP gate lists its statuses, and its pattern and latency limit when set', () => {
    const bare = httpGate(of('http', { id: 'h.bare', url: 'https://user:pw@example.test/health?x=1' }));
    expect(bare).toMatchObject({
      id: 'h.bare',
      stage: 'pre-deploy',
      title: 'GET https://example.test/health',
      description: 'Requests GET https://example.test/health; passes when the status is 200.',
      dependsOn: [],
    });
    expect(bare).not.toHaveProperty('timeoutMs');
    expect(bare.thresholds?.(config)).toEqual([
      {
        key: 'gates.custom[h.bare].expectStatus',
        value: [200],
        source: 'file',
        description: 'the statuses that pass',
      },
    ]);
    const full = httpGate(
      of('http', {
        id: 'h.full',
        url: 'https://example.test/',
        expectStatus: [200, 204],
        bodyMatches: 'ok',
        maxLatencyMs: 0,
        timeoutMs: 1_000,
      }),
    );
    expect(full.timeoutMs).toBe(1_000);
    expect(full.description).toBe(
      'Requests GET https://example.test/; passes when the status is 200 or 204, the body matches /ok/ and it answers within 0 ms.',
    );
    expect(full.thresholds?.(config)).toEqual([
      {
        key: 'gates.custom[h.full].expectStatus',
        value: [200, 204],
        source: 'file',
        description: 'the statuses that pass',
      },
      {
        key: 'gates.custom[h.full].bodyMatches',
        value: 'ok',
        source: 'file',
        description: 'the body must match',
      },
      {
        key: 'gates.custom[h.full].maxLatencyMs',
        value: 0,
        source: 'file',
        description: 'the longest answer time (ms)',
      },
    ]);
  });

  it('a shell gate lists its exit code, and its output patterns when set (an empty one is none)', () => {
    const bare = shellGate(of('shell', { id: 's.bare', command: 'make check', outputMatches: '' }));
    expect(bare).toMatchObject({
      title: 'make check',
      description: 'Runs `make check`; passes when it exits with 0.',
    });
    expect(bare.thresholds?.(config)).toEqual([
      {
        key: 'gates.custom[s.bare].expectExitCode',
        value: 0,
        source: 'file',
        description: 'the exit code that passes',
      },
    ]);
    const full = shellGate(
      of('shell', {
        id: 's.full',
        command: 'make check',
        expectExitCode: 2,
        outputMatches: 'ok',
        outputNotMatches: 'FAIL',
      }),
    );
    expect(full.description).toBe(
      'Runs `make check`; passes when it exits with 2 and its output matches /ok/ and its output does not match /FAIL/.',
    );
    expect(full.thresholds?.(config)).toEqual([
      {
        key: 'gates.custom[s.full].expectExitCode',
        value: 2,
        source: 'file',
        description: 'the exit code that passes',
      },
      {
        key: 'gates.custom[s.full].outputMatches',
        value: 'ok',
        source: 'file',
        description: 'the output must match',
      },
      {
        key: 'gates.custom[s.full].outputNotMatches',
        value: 'FAIL',
        source: 'file',
        description: 'the output must not match',
      },
    ]);
  });

  it('a SQL gate lists each term of its expectation and the role it runs as', () => {
    const gate = sqlGate(of('sql', { id: 'q.late', query: 'SELECT 1', expect: 'late < 5 and rows >= 1' }));
    expect(gate).toMatchObject({ title: 'SQL: late < 5 and rows >= 1', stage: 'pre-deploy', dependsOn: [] });
    expect(gate.thresholds?.(config)).toEqual([
      {
        key: 'gates.custom[q.late].expect',
        value: 'late < 5',
        source: 'file',
        description: 'column late must be < 5',
      },
      {
        key: 'gates.custom[q.late].expect',
        value: 'rows >= 1',
        source: 'file',
        description: 'the row count must be >= 1',
      },
      {
        key: 'gates.sql.role',
        value: null,
        source: 'default',
        description: "the role the query runs as (SET LOCAL ROLE); null: the connection's own user",
      },
    ]);
  });
});
