import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';

const parse = (gates: unknown) => configSchema.safeParse({ gates });

describe('gates: config section', () => {
  it('has defaults for every setting, and the built-in thresholds inside', () => {
    const config = configSchema.parse({});
    expect(config.gates).toMatchObject({
      concurrency: 4,
      noData: 'warn',
      overrides: {},
      reports: { dir: 'reports/gates', formats: ['json', 'junit', 'md', 'html'] },
      history: { enabled: true },
      custom: [],
    });
    expect(config.gates.thresholds.tests.coverage.lines).toBe(90);
  });

  it('has no minSamples: no gate samples, so the setting was removed rather than left doing nothing', () => {
    expect(parse({ minSamples: 10 }).error?.issues.map((i) => i.code)).toEqual(['unrecognized_keys']);
    expect(parse({ overrides: { 'db.integrity': { minSamples: 3 } } }).success).toBe(false);
  });

  it('parses a SQL expectation into comparisons', () => {
    const result = parse({
      custom: [
        { id: 'sql.late', kind: 'sql', query: 'SELECT 1', expect: 'late_count < 5 and total >= -1.5' },
      ],
    });
    expect(result.success).toBe(true);
    expect(result.data?.gates.custom[0]).toMatchObject({
      stage: 'pre-deploy',
      dependsOn: [],
      expect: {
        text: 'late_count < 5 and total >= -1.5',
        terms: [
          { name: 'late_count', comparison: '<', value: 5 },
          { name: 'total', comparison: '>=', value: -1.5 },
        ],
      },
    });
  });

  it.each([
    ['value = 0', 'custom.0.expect'],
    ['value == 1.2.3', 'custom.0.expect'],
    ['', 'custom.0.expect'],
  ])('refuses the expectation %j', (expect_, path) => {
    const result = parse({ custom: [{ id: 'sql.x', kind: 'sql', query: 'SELECT 1', expect: expect_ }] });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([`gates.${path}`]);
  });

  it('refuses duplicate custom ids, bad ids and unknown keys', () => {
    const result = parse({
      custom: [
        { id: 'shell.a', kind: 'shell', command: 'true' },
        { id: 'shell.a', kind: 'shell', command: 'false' },
        { id: 'NoDot', kind: 'shell', command: 'true' },
        { id: 'http.a', kind: 'http', url: 'http://127.0.0.1/', expectStatus: [], retries: 3 },
      ],
    });
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'gates.custom.2.id: expected a gate id like family.name (lower case, digits, dashes)',
      'gates.custom.3.expectStatus: Too small: expected array to have >=1 items',
      'gates.custom.3: Unrecognized key: "retries"',
      'gates.custom.1.id: duplicate gate id shell.a',
    ]);
    const duplicates = parse({
      custom: [
        { id: 'shell.a', kind: 'shell', command: 'true' },
        { id: 'shell.a', kind: 'shell', command: 'false' },
      ],
    });
    expect(duplicates.error?.issues).toMatchObject([
      { path: ['gates', 'custom', 1, 'id'], message: 'duplicate gate id shell.a' },
    ]);
  });
});
