import type { Gate, GateOutcome } from '../../gate.ts';
import { listSome, measure, plural, thrownOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { scanCode, type CodeScan } from './eslint-security-scan.ts';
import { repositoryFiles } from './repository-files.ts';
import { scanSecrets, type SecretFinding } from './secrets-scan.ts';

export const securityCodeGate: Gate = {
  id: 'security.code',
  stage: 'pre-deploy',
  title: 'Code security scan',
  description:
    "Scans the source with eslint-plugin-security's rules (and eslint-plugin-no-secrets' entropy check when `entropyTolerance` is set; off by default, as hashes, ids and test fixtures trip it), and every tracked file with secretlint's recommended rules (keys, tokens, private keys, credentials in URLs) with the AWS access key id scan on. The score is the percentage of scanned files without a finding; the spec asks for 100. Findings silenced by inline eslint-disable comments are counted and listed with their reasons.",
  spec: '§1.1.2',
  timeoutMs: 300_000,
  thresholds: (config) =>
    describeThresholds(config, 'security', 'code', {
      minScore: 'minimum score: % of scanned files without a finding',
      patterns: 'what the code scan lints',
      ignoreRules: 'rules not counted',
      entropyTolerance: 'entropy above which a string literal counts as a secret',
      ignore: 'files not scanned',
    }),
  async run(ctx): Promise<GateOutcome> {
    const settings = gateThresholds(ctx.config).security.code;
    let code: CodeScan;
    let secrets: SecretFinding[];
    let tracked: string[];
    try {
      code = await scanCode(
        ctx.cwd,
        settings.patterns,
        settings.ignore,
        settings.ignoreRules,
        settings.entropyTolerance,
      );
      tracked = await repositoryFiles(ctx, settings.ignore);
      secrets = await scanSecrets(ctx.cwd, tracked, settings.maxFileBytes);
    } catch (error) {
      return thrownOutcome('the security scan could not run', error);
    }
    const findings = [
      ...code.findings.map((f) => ({ ...f, kind: 'code' })),
      ...secrets.map((f) => ({ ...f, kind: 'secret', message: 'hard-coded secret' })),
    ];
    const scanned = new Set([...code.files, ...tracked]);
    const flagged = new Set(findings.map((f) => f.file));
    const score =
      scanned.size === 0 ? 100 : Math.floor((10_000 * (scanned.size - flagged.size)) / scanned.size) / 100;
    const measurements = [
      measure('score', score, '%', settings.minScore, '>='),
      measure('files scanned', scanned.size, 'count'),
      measure('code findings', code.findings.length, 'count'),
      measure('secrets found', secrets.length, 'count', 0, '=='),
      measure('findings silenced by eslint-disable', code.silenced.length, 'count'),
    ];
    const evidence = [
      ...(findings.length > 0 ? [{ kind: 'rows' as const, title: 'findings', content: findings }] : []),
      ...(code.silenced.length > 0
        ? [
            {
              kind: 'rows' as const,
              title: 'silenced by eslint-disable comments',
              content: code.silenced.map((f) => ({ ...f })),
            },
          ]
        : []),
    ];
    const silencedNote =
      code.silenced.length > 0
        ? `, ${plural(code.silenced.length, 'finding')} silenced by eslint-disable (listed)`
        : '';
    // §1.1.2 "no hard-coded secrets": one fails the gate whatever the score allows.
    if (score < settings.minScore || secrets.length > 0) {
      const secretNote = secrets.length > 0 ? `${plural(secrets.length, 'hard-coded secret')}, ` : '';
      return {
        status: 'fail',
        summary: `${secretNote}score ${score}% (${plural(findings.length, 'finding')}): ${listSome(findings.map((f) => `${f.file}:${f.line} ${f.rule}`))}${silencedNote}`,
        measurements,
        evidence,
      };
    }
    return {
      status: findings.length > 0 ? 'warn' : 'pass',
      summary: `score ${score}%: ${plural(scanned.size, 'file')} scanned, ${plural(findings.length, 'finding')}${silencedNote}`,
      measurements,
      evidence,
    };
  },
};
