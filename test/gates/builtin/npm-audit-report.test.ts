import { describe, expect, it } from 'vitest';
import { parseAuditReport } from '../../../src/gates/builtin/security/npm-audit.ts';
import { normaliseSeverity } from '../../../src/gates/builtin/security/vulnerability.ts';

/** An `npm audit --json` report (version 2) with these vulnerable packages. */
const report = (vulnerabilities: Record<string, unknown>) => ({ auditReportVersion: 2, vulnerabilities });

describe('parseAuditReport', () => {
  it('is undefined for anything that is not an audit report of version 2 shape', () => {
    expect(parseAuditReport({ error: { code: 'ENOLOCK' } })).toBeUndefined();
    expect(
      parseAuditReport({ auditReportVersion: 2, vulnerabilities: { x: { name: 'x' } } }),
    ).toBeUndefined();
    expect(parseAuditReport(null)).toBeUndefined();
  });

  it('reports each advisory once per package, skipping the transitive names a package comes via', () => {
    const found = parseAuditReport(
      report({
        lodash: {
          name: 'lodash',
          severity: 'high',
          range: '<=4.17.20',
          via: [
            {
              source: 1523,
              name: 'lodash',
              title: 'Prototype Pollution in lodash',
              url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw',
              severity: 'high',
              range: '>=3.7.0 <4.17.19',
            },
          ],
        },
        // Vulnerable only through lodash: a string `via`, not an advisory of its own.
        'lodash-wrapper': { name: 'lodash-wrapper', severity: 'high', range: '*', via: ['lodash'] },
        // The same advisory again, as npm lists it under each package that pulls it in.
        again: {
          name: 'again',
          severity: 'high',
          via: [
            {
              source: 1523,
              name: 'lodash',
              title: 'Prototype Pollution in lodash',
              url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw',
              severity: 'high',
              range: '>=3.7.0 <4.17.19',
            },
          ],
        },
      }),
    );
    expect(found).toEqual([
      {
        id: 'GHSA-p6mc-m468-83gw',
        package: 'lodash',
        version: '>=3.7.0 <4.17.19',
        severity: 'high',
        title: 'Prototype Pollution in lodash',
      },
    ]);
  });

  it('names an advisory by its GHSA id, else its source number, else its title, else "unknown"', () => {
    const via = (fields: Record<string, unknown>) => ({ name: 'pkg', ...fields });
    const found = parseAuditReport(
      report({
        pkg: {
          name: 'pkg',
          severity: 'moderate',
          range: '<2.0.0',
          via: [
            via({ url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc', source: 1, title: 'By url' }),
            via({ url: 'https://npmjs.com/advisories/2', source: 2, title: 'By source' }),
            via({ title: 'By title only' }),
            via({}),
          ],
        },
      }),
    );
    expect(found?.map((v) => [v.id, v.title])).toEqual([
      ['GHSA-aaaa-bbbb-cccc', 'By url'],
      ['2', 'By source'],
      ['By title only', 'By title only'],
      ['unknown', 'unknown'],
    ]);
  });

  it("takes the advisory's range and severity, else the package's own", () => {
    const found = parseAuditReport(
      report({
        pkg: { name: 'pkg', severity: 'critical', range: '<1.2.3', via: [{ name: 'pkg', source: 9 }] },
        bare: { name: 'bare', severity: 'moderate', via: [{ name: 'bare', source: 10 }] },
        // The advisory's own range and severity win over the package's.
        own: {
          name: 'own',
          severity: 'critical',
          range: '<9.0.0',
          via: [{ name: 'own', source: 11, range: '<2.0.0', severity: 'low' }],
        },
      }),
    );
    expect(found).toEqual([
      { id: '9', package: 'pkg', version: '<1.2.3', severity: 'critical', title: '9' },
      { id: '10', package: 'bare', version: '', severity: 'medium', title: '10' },
      { id: '11', package: 'own', version: '<2.0.0', severity: 'low', title: '11' },
    ]);
  });
});

describe('normaliseSeverity', () => {
  it("reads npm's and OSV's words, in any case, on the spec's scale", () => {
    const read = (raw: string | undefined) => normaliseSeverity(raw);
    expect(['CRITICAL', 'critical'].map(read)).toEqual(['critical', 'critical']);
    expect(['HIGH', 'high'].map(read)).toEqual(['high', 'high']);
    expect(['moderate', 'MODERATE', 'medium', 'Medium'].map(read)).toEqual([
      'medium',
      'medium',
      'medium',
      'medium',
    ]);
    expect(['low', 'LOW', 'info'].map(read)).toEqual(['low', 'low', 'low']);
    expect(['none', '', undefined].map(read)).toEqual(['unknown', 'unknown', 'unknown']);
  });
});
