import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { errorMessage } from '../../../../errors/error-message.ts';
import type { Gate, GateContext, GateOutcome } from '../../../gate.ts';
import { shownUrl } from '../../deploy/release-endpoint.ts';
import { isOwnLeadsTable } from '../../db/own-leads.ts';
import { thrownOutcome } from '../../support/outcome.ts';
import { releaseUrlOf } from '../../support/release-url.ts';
import { describeThresholds, gateThresholds } from '../../support/thresholds.ts';
import { dependencyResults } from './dependency-results.ts';
import { judgeProduction, type CriterionResult } from './finding.ts';
import { corpusMarkers, inputCorpus } from './input-corpus.ts';
import { headersCriterion, judgeHeaders } from './judge-headers.ts';
import { judgeInput } from './judge-input.ts';
import { judgePlainHttp, judgeTls, tlsCriterion } from './judge-tls.ts';
import { judgeVulnerabilities, vulnerabilitiesCriterion } from './judge-vulnerabilities.ts';
import { pageHeaders, postCorpus, type RequestOptions } from './probe-http.ts';
import { judgeAdminRoutes } from './scan-admin-routes.ts';
import { probeTls } from './probe-tls.ts';
import { storedWithMarkers } from './stored-with-markers.ts';

type Settings = ReturnType<typeof gateThresholds>['security']['production'];

const formPage = '/';

function unjudged(criterion: string, text: string): CriterionResult {
  return { criterion, findings: [{ level: 'warn', text }], measurements: [] };
}

async function tlsAndHeaders(
  base: string,
  settings: Settings,
  options: RequestOptions,
): Promise<CriterionResult[]> {
  const url = new URL(base);
  const page = await pageHeaders(base, formPage, options);
  const headers =
    'failure' in page
      ? unjudged(headersCriterion, `GET ${formPage} got no answer: ${page.failure}`)
      : page.status !== 200
        ? {
            ...unjudged(headersCriterion, `GET ${formPage} answered ${String(page.status)}`),
            findings: [
              { level: 'fail' as const, text: `GET ${formPage} answered ${String(page.status)}, not 200` },
            ],
          }
        : judgeHeaders(settings.requiredHeaders, (name) => page.header(name), `GET ${formPage}`);
  if (url.protocol !== 'https:') return [judgePlainHttp(url.hostname, settings), headers];
  const probe = await probeTls(url, options);
  const hsts = 'failure' in page ? null : page.header('strict-transport-security');
  return [judgeTls(probe, hsts, settings), headers];
}

async function run(ctx: GateContext): Promise<GateOutcome> {
  const settings = gateThresholds(ctx.config).security.production;
  let base: string;
  try {
    base = await releaseUrlOf(ctx);
  } catch (error) {
    return thrownOutcome('no release to scan', error);
  }
  ctx.log(`scanning ${shownUrl(base)}`);
  const results: CriterionResult[] = [];
  try {
    const extra = settings.extraCaFile === null ? [] : [await readFile(settings.extraCaFile, 'utf8')];
    const options: RequestOptions = {
      timeoutMs: settings.requestTimeout,
      signal: ctx.signal,
      ca: [...rootCertificates, ...extra],
    };
    results.push(...(await tlsAndHeaders(base, settings, options)));

    results.push(await judgeAdminRoutes(ctx, base, settings, options));

    const markers = corpusMarkers();
    const ownTable = isOwnLeadsTable(gateThresholds(ctx.config).db.records.table);
    const corpus = inputCorpus(markers, ctx.config.server.bodyLimitBytes);
    const answers = await postCorpus(base, corpus, options);
    let stored: number | null = null;
    let storeFailure: string | undefined;
    if (!ownTable) storeFailure = 'db.records names another table than hermes_leads';
    else
      try {
        stored = await storedWithMarkers((await ctx.database()).pool, markers);
      } catch (error) {
        storeFailure = errorMessage(error);
      }
    results.push(judgeInput(answers, stored, storeFailure));
  } catch (error) {
    // Only an aborted signal (the gate's timeout, a cancelled run) or an unreadable CA file get here.
    return thrownOutcome('the scan did not finish', error);
  }

  try {
    const { current, previous, scope } = await dependencyResults((await ctx.database()).pool);
    results.push(judgeVulnerabilities(current, previous, scope));
  } catch (error) {
    results.push(
      unjudged(
        vulnerabilitiesCriterion,
        `the recorded dependency results could not be read: ${errorMessage(error)}`,
      ),
    );
  }
  return judgeProduction(results);
}

/** §3.3.1 `npm run security:scan:production`: the deployed release, scanned from outside. */
export const securityProductionGate: Gate = {
  id: 'security.production',
  stage: 'post-deploy',
  title: 'Production security scan',
  description:
    "`npm run security:scan:production`, on the release's URL: SSL/TLS (on https: the negotiated protocol at least `minTlsVersion`, the chain trusted by the system CAs and `extraCaFile`, the certificate valid `certExpiryDays` more days, Strict-Transport-Security's max-age at least `hstsMinAgeSeconds` on GET /; on plain HTTP TLS is not judged: a warning, a note on this machine, a failure with `requireHttps`); the form page's security headers (`requiredHeaders`); authentication: every admin route of the OpenAPI route table answers 401 without Authorization, then with a random wrong key as long as the budget lasts (429 once the guard has refused counts as refused, reported); the scan sends fewer refused requests than the guard's per-address budget, less what the recorded scans of the guard's window (admin.rateLimit.refusedWindowMs, plus a minute) already sent (`maxRefusedProbes` per scan when set; by default admin.rateLimit.refusedMax - 1 per window: with the defaults every route without a key and one with a wrong key), so that no scan, nor a second one soon after, locks its address out (nor the E2E gate's key check), and it notes the probes it held back; with the window's budget spent it probes nothing and warns, saying when to scan again; input validation: malformed submissions to POST /api/contact (broken JSON, a wrong content type, an oversized body, a missing field, a bad email, script tags, a huge field, an unknown field) each answered 4xx and none stored (rows carrying the corpus's reserved-domain email or name counted afterwards); and no new vulnerabilities: the high and critical advisories of the live deployment's latest security.dependencies result against its previous deployment's (with no deployment, the two latest results), any new one failing, nothing to compare a warning. Fails naming each culprit; warns when a criterion could not be judged.",
  spec: '§3.3.1',
  timeoutMs: 120_000,
  thresholds: (config) =>
    describeThresholds(config, 'security', 'production', {
      minTlsVersion: 'the oldest TLS protocol the release may negotiate',
      extraCaFile: "a PEM file of CAs trusted besides the system's",
      certExpiryDays: 'the certificate must stay valid at least this many days',
      hstsMinAgeSeconds: "Strict-Transport-Security's max-age at least (s)",
      requireHttps: 'plain HTTP fails instead of warning',
      requiredHeaders: 'the headers the form page must send',
      maxRefusedProbes:
        'refused admin requests one scan may send (null: admin.rateLimit.refusedMax - 1 per refusedWindowMs, less what the recorded scans of that window sent)',
      requestTimeout: "one request's longest wait for an answer (ms)",
    }),
  run,
};

export { tlsCriterion };
