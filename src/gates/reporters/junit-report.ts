import XMLBuilder from 'fast-xml-builder';
import type { GateResult, StageRun } from '../stage-run-result.ts';
import { cleanText, evidenceText, formatMeasurement, statusLabel } from './report-text.ts';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  format: true,
  suppressEmptyNode: true,
  // Else a value "true" is written as a bare attribute name, which is not XML.
  suppressBooleanAttributes: false,
});

const seconds = (ms: number): string => (ms / 1_000).toFixed(3);

function details(result: GateResult): string {
  const lines = [
    `${statusLabel[result.status]}: ${result.summary}`,
    ...(result.reason && result.reason !== result.summary ? [`reason: ${result.reason}`] : []),
    ...(result.status !== result.outcomeStatus ? [`gate returned ${result.outcomeStatus}`] : []),
    ...result.measurements.map(formatMeasurement),
    ...result.evidence.flatMap((e) => [`--- ${e.title}`, evidenceText(e)]),
  ];
  return cleanText(lines.join('\n'));
}

function testcase(result: GateResult): Record<string, unknown> {
  const message = cleanText(result.status === 'skip' ? (result.reason ?? result.summary) : result.summary);
  const body: Record<string, unknown> = {
    '@_name': result.id,
    '@_classname': `hermes.gates.${result.stage}`,
    '@_time': seconds(result.durationMs),
    // JUnit has no warning state: the status is a property (Jenkins, GitLab and others show a
    // testcase's properties), and a warning's text opens its system-out with "WARN:".
    properties: {
      property: [
        { '@_name': 'hermes.status', '@_value': result.status },
        { '@_name': 'hermes.outcome', '@_value': result.outcomeStatus },
        { '@_name': 'hermes.blocking', '@_value': String(result.blocking) },
      ],
    },
  };
  if (result.status === 'fail')
    body.failure = { '@_message': message, '@_type': 'fail', '#text': details(result) };
  if (result.status === 'error')
    body.error = { '@_message': message, '@_type': 'error', '#text': details(result) };
  if (result.status === 'skip') body.skipped = { '@_message': message };
  if (result.status === 'pass' || result.status === 'warn') body['system-out'] = details(result);
  return body;
}

/** JUnit XML: one test case per gate, so every CI system lists the gates and their failures. */
export function junitReport(run: StageRun): string {
  const totals = {
    '@_tests': run.counts.total,
    '@_failures': run.counts.fail,
    '@_errors': run.counts.error,
    '@_skipped': run.counts.skip,
    '@_time': seconds(run.durationMs),
  };
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': `hermes gates ${run.stage}`,
      ...totals,
      testsuite: {
        '@_name': run.stage,
        ...totals,
        '@_timestamp': run.startedAt,
        '@_hostname': run.host,
        properties: {
          property: [
            { '@_name': 'run.id', '@_value': run.id },
            { '@_name': 'run.status', '@_value': run.status },
            { '@_name': 'run.exitCode', '@_value': run.exitCode },
            { '@_name': 'run.warnings', '@_value': run.counts.warn },
            { '@_name': 'environment', '@_value': run.environment },
            { '@_name': 'hermes.version', '@_value': run.hermesVersion },
          ],
        },
        testcase: run.results.map(testcase),
      },
    },
  });
}
