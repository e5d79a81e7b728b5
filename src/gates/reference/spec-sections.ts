/**
 * The names of the quality-gates specification's gate sections, so the gate reference can cite
 * `§1.1.3 Database Schema Validation` where a gate definition only says `§1.1.3`.
 */
export const specSections: Readonly<Record<string, string>> = {
  '§1.1.1': 'Static Analysis',
  '§1.1.2': 'Security Scanning',
  '§1.1.3': 'Database Schema Validation',
  '§1.2.1': 'Unit Tests',
  '§1.2.2': 'Integration Tests',
  '§1.2.3': 'Performance Tests',
  '§1.3.1': 'Migration Validation',
  '§1.3.2': 'Data Integrity Checks',
  '§1.3.3': 'Performance Benchmarks',
  '§1.4.1': 'Environment Variables',
  '§1.4.2': 'Database Connectivity',
  '§2.1.1': 'Build Validation',
  '§2.1.2': 'Asset Validation',
  '§2.2.1': 'Migration Deployment',
  '§2.2.2': 'Data Migration Validation',
  '§2.3.1': 'API Health Checks',
  '§2.3.2': 'Load Testing',
  '§3.1.1': 'End-to-End Testing',
  '§3.1.2': 'Database Operations',
  '§3.2.1': 'Response Time Monitoring',
  '§3.2.2': 'Resource Utilization',
  '§3.3.1': 'Security Scanning',
  '§3.3.2': 'Data Protection Validation',
  '§4.1.1': 'Error Rate Thresholds',
  '§4.1.2': 'Health Check Failures',
  '§4.2.1': 'Data Integrity Issues',
  '§4.2.2': 'Performance Degradation',
  '§5.1': 'Pre-Deployment Script',
  '§5.2': 'Deployment Script',
  '§5.3': 'Post-Deployment Script',
  '§5.4': 'Rollback Script',
};

/** `§1.1.3 Database Schema Validation`, or the bare section when its name is not known. */
export function specCitation(section: string): string {
  const name = specSections[section];
  return name === undefined ? section : `${section} ${name}`;
}

/** Orders `§1.2.3` before `§1.10.1`: section by section, as numbers. */
export function compareSpecSections(a: string, b: string): number {
  const parts = (section: string): number[] => section.replace(/^§/, '').split('.').map(Number);
  const [left, right] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
