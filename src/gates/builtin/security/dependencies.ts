import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Gate, GateContext, GateOutcome } from '../../gate.ts';
import { databaseReason } from '../support/database-guard.ts';
import { errorOutcome, listSome, measure, plural } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { documentation, loadAllowlist } from './audit-allowlist.ts';
import { runNpmAudit } from './npm-audit.ts';
import { loadOsvDatabase, matchOsv } from './osv-database.ts';
import { readLockedPackages } from './package-lock.ts';
import { judgeUnlocked, readDependencyFiles } from './unlocked-dependencies.ts';
import type { Vulnerability } from './vulnerability.ts';

interface Advisories {
  source: string;
  vulnerabilities: Vulnerability[];
}

/** npm audit names the vulnerable range; the report names the installed version(s) instead. */
function withInstalledVersions(cwd: string, vulnerabilities: Vulnerability[]): Vulnerability[] {
  const installed = new Map<string, Set<string>>();
  for (const pkg of readLockedPackages(cwd))
    installed.set(pkg.name, (installed.get(pkg.name) ?? new Set()).add(pkg.version));
  return vulnerabilities.map((v) => {
    const versions = installed.get(v.package);
    return versions ? { ...v, version: [...versions].join(', ') } : v;
  });
}

/** npm audit when the registry answers (source auto or npm-audit), else the offline OSV directory. */
async function readAdvisories(ctx: GateContext): Promise<Advisories | { unavailable: string[] }> {
  const settings = gateThresholds(ctx.config).security.dependencies;
  const reasons: string[] = [];
  if (settings.source !== 'osv') {
    const audit = await runNpmAudit(ctx, settings.auditTimeoutMs);
    if (audit.ok)
      return { source: 'npm audit', vulnerabilities: withInstalledVersions(ctx.cwd, audit.vulnerabilities) };
    reasons.push(audit.reason);
  }
  if (settings.source !== 'npm-audit') {
    const dir = resolve(ctx.cwd, settings.osvDir);
    if (existsSync(dir)) {
      const database = loadOsvDatabase(dir);
      const packages = readLockedPackages(ctx.cwd);
      return {
        source: `OSV database ${settings.osvDir} (${plural(database.entries, 'entry', 'entries')}, ${plural(packages.length, 'package')} in package-lock.json)`,
        vulnerabilities: matchOsv(database, packages),
      };
    }
    reasons.push(`no OSV database at ${settings.osvDir}`);
  }
  return { unavailable: reasons };
}

const label = (v: Vulnerability) => `${v.id} (${v.package}@${v.version})`;

export const dependenciesGate: Gate = {
  id: 'security.dependencies',
  stage: 'pre-deploy',
  title: 'Dependency vulnerabilities',
  description:
    'Reads advisories for every package in package-lock.json: `npm audit --json` when the registry answers, else an offline OSV database directory (osv-scanner offline format, npm ecosystem). Zero critical and high pass (an advisory without a severity counts as high); each medium must be documented in the allow-list (id, reason, expiry), else the gate warns. With no advisory source the gate is an error, never a pass. Without package-lock.json: no dependencies declared pass, declared ones fail (not locked), a lockfile of another package manager is a skip.',
  spec: '§1.1.2',
  timeoutMs: 180_000,
  thresholds: (config) =>
    describeThresholds(config, 'security', 'dependencies', {
      maxCritical: 'critical vulnerabilities allowed',
      maxHigh: 'high vulnerabilities allowed',
      source: 'where advisories come from: auto, npm-audit or osv',
      osvDir: 'the offline OSV database directory',
      allowlist: 'the allow-list of documented medium vulnerabilities',
    }),
  async run(ctx): Promise<GateOutcome> {
    const settings = gateThresholds(ctx.config).security.dependencies;
    const unlocked = readDependencyFiles(ctx.cwd);
    if (unlocked) return judgeUnlocked(unlocked);
    let advisories: Awaited<ReturnType<typeof readAdvisories>>;
    let allowlist: ReturnType<typeof loadAllowlist>;
    try {
      allowlist = loadAllowlist(resolve(ctx.cwd, settings.allowlist));
      advisories = await readAdvisories(ctx);
    } catch (error) {
      return errorOutcome('could not read the advisories', databaseReason(error));
    }
    if ('unavailable' in advisories) {
      return errorOutcome('no advisory source could be consulted', advisories.unavailable.join('; '));
    }
    const { vulnerabilities, source } = advisories;
    const bySeverity = (...severities: string[]) =>
      vulnerabilities.filter((v) => severities.includes(v.severity));
    const critical = bySeverity('critical');
    const high = bySeverity('high', 'unknown');
    const today = new Date().toISOString().slice(0, 10);
    const mediums = bySeverity('medium').map((v) => ({ v, doc: documentation(allowlist, v, today) }));
    const undocumented = mediums.filter((m) => !m.doc.documented);
    const measurements = [
      measure('critical', critical.length, 'count', settings.maxCritical, '<='),
      measure('high', high.length, 'count', settings.maxHigh, '<='),
      measure('medium', mediums.length, 'count'),
      measure('medium not documented', undocumented.length, 'count', 0, '=='),
      measure('low', bySeverity('low').length, 'count'),
    ];
    const evidence = [
      { kind: 'text' as const, title: 'advisory source', content: source },
      {
        kind: 'rows' as const,
        title: 'vulnerabilities',
        content: vulnerabilities.map((v) => {
          const doc = mediums.find((m) => m.v === v)?.doc;
          return {
            ...v,
            allowlist:
              doc === undefined ? '' : doc.documented ? `documented until ${doc.entry.expires}` : doc.why,
          };
        }),
      },
    ];
    if (critical.length > settings.maxCritical || high.length > settings.maxHigh) {
      const blocking = [...critical, ...high];
      return {
        status: 'fail',
        summary: `${critical.length} critical, ${high.length} high: ${listSome(blocking.map(label))}`,
        measurements,
        evidence,
      };
    }
    if (undocumented.length > 0) {
      return {
        status: 'warn',
        summary: `${plural(undocumented.length, 'medium vulnerability', 'medium vulnerabilities')} not documented in ${settings.allowlist}: ${listSome(
          undocumented.map((m) => `${label(m.v)}${m.doc.documented ? '' : `, ${m.doc.why}`}`),
        )}`,
        measurements,
        evidence,
      };
    }
    return {
      status: 'pass',
      summary: `no critical or high vulnerabilities, ${plural(mediums.length, 'medium')} documented (${source})`,
      measurements,
      evidence,
    };
  },
};
