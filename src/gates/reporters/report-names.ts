import type { ReportFormat } from '../../config/sections/gates.ts';

/** How a format's file name ends. */
export const reportSuffix: Record<ReportFormat, string> = {
  json: 'json',
  junit: 'junit.xml',
  md: 'md',
  html: 'html',
};

/** Runs kept per stage in a report directory unless told otherwise. */
export const defaultReportsKept = 20;

/**
 * `2026-12-02T02-39-21-123Z`: a run's start as part of a file name: UTC, sorting as time does,
 * without the colons some file systems refuse, and without a dot, so everything after a name's
 * first dot is its format (`.junit.xml`).
 */
export function runStamp(startedAt: string): string {
  return new Date(startedAt).toISOString().replace(/[:.]/g, '-');
}

/** `gates-pre-deploy-2026-12-02T02-39-21-123Z.json`: one file per run, so a later run keeps an earlier one's. */
export function reportFileName(stage: string, stamp: string, format: ReportFormat): string {
  return `gates-${stage}-${stamp}.${reportSuffix[format]}`;
}

/** `gates-pre-deploy-latest.json`: the stage's newest run, the name CI settings can point at. */
export function latestReportName(stage: string, format: ReportFormat): string {
  return `gates-${stage}-latest.${reportSuffix[format]}`;
}

const stampPattern = String.raw`\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z`;
const suffixPattern = Object.values(reportSuffix)
  .map((suffix) => suffix.replaceAll('.', '\\.'))
  .join('|');

/** The run stamp in the name of one of `stage`'s run reports; undefined for any other file (`latest` too). */
export function stampOf(stage: string, fileName: string): string | undefined {
  const escaped = stage.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from a stage name, escaped above
  const pattern = new RegExp(`^gates-${escaped}-(${stampPattern})\\.(?:${suffixPattern})$`);
  return pattern.exec(fileName)?.[1];
}

/**
 * The files of `stage`'s runs older than its newest `keep` (a run is all the formats sharing a
 * stamp), to delete; other stages' files, the `latest` pointers and anything else are left alone.
 */
export function reportsToPrune(stage: string, fileNames: readonly string[], keep: number): string[] {
  const stamped = fileNames.flatMap((name) => {
    const stamp = stampOf(stage, name);
    return stamp === undefined ? [] : [{ name, stamp }];
  });
  const kept = new Set([...new Set(stamped.map((file) => file.stamp))].sort().reverse().slice(0, keep));
  return stamped.filter((file) => !kept.has(file.stamp)).map((file) => file.name);
}
