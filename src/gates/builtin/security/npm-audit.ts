import { z } from 'zod';
import type { GateContext } from '../../gate.ts';
import { outputTail } from '../../../text/output-tail.ts';
import { runTool } from '../support/run-tool.ts';
import { normaliseSeverity, type Vulnerability } from './vulnerability.ts';

/** npm audit --json (report version 2): each vulnerable package and the advisories it comes `via`. */
const auditReport = z.looseObject({
  auditReportVersion: z.int(),
  vulnerabilities: z.record(
    z.string(),
    z.looseObject({
      name: z.string(),
      severity: z.string(),
      range: z.string().optional(),
      via: z.array(
        z.union([
          z.string(),
          z.looseObject({
            source: z.union([z.int(), z.string()]).optional(),
            name: z.string(),
            title: z.string().optional(),
            url: z.string().optional(),
            severity: z.string().optional(),
            range: z.string().optional(),
          }),
        ]),
      ),
    }),
  ),
});

export type AuditResult = { ok: true; vulnerabilities: Vulnerability[] } | { ok: false; reason: string };

/** The advisories of an npm audit report, one per advisory and package (transitive `via` names are skipped). */
export function parseAuditReport(json: unknown): Vulnerability[] | undefined {
  const parsed = auditReport.safeParse(json);
  if (!parsed.success) return undefined;
  const found = new Map<string, Vulnerability>();
  for (const entry of Object.values(parsed.data.vulnerabilities)) {
    for (const via of entry.via) {
      if (typeof via === 'string') continue;
      const id = /GHSA-[\w-]+/.exec(via.url ?? '')?.[0] ?? String(via.source ?? via.title ?? 'unknown');
      found.set(`${id} ${via.name}`, {
        id,
        package: via.name,
        version: via.range ?? entry.range ?? '',
        severity: normaliseSeverity(via.severity ?? entry.severity),
        title: via.title ?? id,
      });
    }
  }
  return [...found.values()];
}

/** Runs `npm audit --json` on the lockfile; says why when the registry cannot answer. */
export async function runNpmAudit(ctx: GateContext, timeoutMs: number): Promise<AuditResult> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  const run = await runTool('npm', ['audit', '--json', '--package-lock-only'], {
    cwd: ctx.cwd,
    signal,
    env: { ...process.env, ...ctx.env },
  });
  if (run.code === null) return { ok: false, reason: `npm audit gave no answer within ${timeoutMs} ms` };
  let json: unknown;
  try {
    json = JSON.parse(run.stdout);
  } catch {
    return { ok: false, reason: `npm audit: ${outputTail(`${run.stdout}\n${run.stderr}`, 5)}` };
  }
  const vulnerabilities = parseAuditReport(json);
  if (vulnerabilities) return { ok: true, vulnerabilities };
  const message =
    json !== null && typeof json === 'object' && 'message' in json && typeof json.message === 'string'
      ? json.message
      : outputTail(run.stderr, 3);
  return { ok: false, reason: `npm audit: ${message}` };
}
