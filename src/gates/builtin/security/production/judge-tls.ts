import { isLoopback } from '../../support/loopback-host.ts';
import { measure } from '../../support/outcome.ts';
import type { CriterionResult, Finding } from './finding.ts';

export const tlsCriterion = 'SSL/TLS configuration';

const protocolRank: Record<string, number> = { SSLv3: 0, TLSv1: 1, 'TLSv1.1': 2, 'TLSv1.2': 3, 'TLSv1.3': 4 };

/** What the TLS handshake with the release showed. */
export interface TlsProbe {
  /** `TLSv1.3`, ...; null when no handshake completed. */
  protocol: string | null;
  authorized: boolean;
  /** Why the chain was not trusted (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, ...). */
  authorizationError: string | null;
  /** The leaf certificate's notAfter; null when none was sent. */
  validTo: Date | null;
  /** Why no handshake completed, when none did. */
  failure: string | null;
}

export interface TlsSettings {
  minTlsVersion: string;
  certExpiryDays: number;
  hstsMinAgeSeconds: number;
  requireHttps: boolean;
}

/** max-age of a Strict-Transport-Security value, or null when it has none. */
export function hstsMaxAge(value: string | null): number | null {
  if (value === null) return null;
  const match = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?\s*(?:;|$)/i.exec(value);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** A release on plain HTTP: TLS is not judged, never silently passed. */
export function judgePlainHttp(
  hostname: string,
  settings: Pick<TlsSettings, 'requireHttps'>,
): CriterionResult {
  const finding: Finding = settings.requireHttps
    ? { level: 'fail', text: 'served over plain HTTP (requireHttps is set)' }
    : isLoopback(hostname)
      ? { level: 'note', text: 'served over plain HTTP on this machine: TLS not judged' }
      : { level: 'warn', text: 'served over plain HTTP: TLS not judged' };
  return { criterion: tlsCriterion, findings: [finding], measurements: [] };
}

/** The handshake and the HSTS header of an https release, judged. */
export function judgeTls(
  probe: TlsProbe,
  hsts: string | null,
  settings: TlsSettings,
  now = new Date(),
): CriterionResult {
  if (probe.protocol === null)
    return {
      criterion: tlsCriterion,
      findings: [{ level: 'fail', text: `no TLS handshake: ${probe.failure ?? 'unknown reason'}` }],
      measurements: [],
    };
  const findings: Finding[] = [];
  const rank = protocolRank[probe.protocol] ?? -1;
  const minRank = protocolRank[settings.minTlsVersion] ?? protocolRank['TLSv1.2'] ?? 3;
  findings.push(
    rank >= minRank
      ? { level: 'pass', text: `negotiated ${probe.protocol}` }
      : { level: 'fail', text: `negotiated ${probe.protocol}, older than ${settings.minTlsVersion}` },
  );
  findings.push(
    probe.authorized
      ? { level: 'pass', text: 'certificate chain trusted' }
      : {
          level: 'fail',
          text: `certificate chain not trusted: ${probe.authorizationError ?? 'unknown reason'}`,
        },
  );
  const daysLeft =
    probe.validTo === null ? -1 : Math.floor((probe.validTo.getTime() - now.getTime()) / 86_400_000);
  if (probe.validTo === null) findings.push({ level: 'fail', text: 'no certificate sent' });
  else if (daysLeft < settings.certExpiryDays)
    findings.push({
      level: 'fail',
      text:
        daysLeft < 0
          ? `certificate expired on ${probe.validTo.toISOString()}`
          : `certificate expires in ${String(daysLeft)} days (${probe.validTo.toISOString()}), within ${String(settings.certExpiryDays)}`,
    });
  else findings.push({ level: 'pass', text: `certificate valid for ${String(daysLeft)} more days` });
  const maxAge = hstsMaxAge(hsts);
  if (maxAge === null)
    findings.push({
      level: 'fail',
      text:
        hsts === null
          ? 'no Strict-Transport-Security header'
          : `Strict-Transport-Security without max-age: ${hsts}`,
    });
  else if (maxAge < settings.hstsMinAgeSeconds)
    findings.push({
      level: 'fail',
      text: `Strict-Transport-Security max-age=${String(maxAge)}, below ${String(settings.hstsMinAgeSeconds)}`,
    });
  else findings.push({ level: 'pass', text: `Strict-Transport-Security max-age=${String(maxAge)}` });
  return {
    criterion: tlsCriterion,
    findings,
    measurements: [
      measure('tls protocol rank', rank, 'count', minRank, '>='),
      measure('certificate days left', daysLeft, 'days', settings.certExpiryDays, '>='),
      measure('hsts max-age', maxAge ?? 0, 's', settings.hstsMinAgeSeconds, '>='),
    ],
  };
}
