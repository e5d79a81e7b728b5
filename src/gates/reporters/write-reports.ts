import { copyFile, mkdir, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ReportFormat } from '../../config/sections/gates.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import type { StageRun } from '../stage-run-result.ts';
import { htmlReport } from './html-report.ts';
import { jsonReport } from './json-report.ts';
import { junitReport } from './junit-report.ts';
import { markdownReport } from './markdown-report.ts';
import { errorMessage } from '../../errors/error-message.ts';
import {
  defaultReportsKept,
  latestReportName,
  reportFileName,
  reportsToPrune,
  runStamp,
} from './report-names.ts';

const renderers: Record<ReportFormat, (run: StageRun) => string> = {
  json: jsonReport,
  junit: junitReport,
  md: markdownReport,
  html: htmlReport,
};

/**
 * Points `dir/latest` at `target` (a file in `dir`): a relative symlink, or a copy where the file
 * system has none; written aside and renamed over the old pointer, so a reader never finds it missing.
 */
async function pointLatest(dir: string, latest: string, target: string): Promise<void> {
  const pointer = join(dir, latest);
  const aside = `${pointer}.${process.pid}.tmp`;
  await rm(aside, { force: true });
  try {
    await symlink(target, aside);
  } catch {
    await copyFile(join(dir, target), aside);
  }
  await rename(aside, pointer);
}

/**
 * Writes the run in each format to `dir`, named by the run, points the stage's `latest` files at
 * them and deletes the stage's runs beyond the newest `keep`; returns the paths written.
 */
export async function writeReports(
  run: StageRun,
  options: { dir: string; formats: readonly ReportFormat[]; cwd?: string; keep?: number },
): Promise<string[]> {
  const dir = resolve(options.cwd ?? process.cwd(), options.dir);
  const stamp = runStamp(run.startedAt);
  try {
    await mkdir(dir, { recursive: true });
    const paths: string[] = [];
    for (const format of new Set(options.formats)) {
      const name = reportFileName(run.stage, stamp, format);
      await writeFile(join(dir, name), renderers[format](run));
      await pointLatest(dir, latestReportName(run.stage, format), name);
      paths.push(join(dir, name));
    }
    const stale = reportsToPrune(run.stage, await readdir(dir), options.keep ?? defaultReportsKept);
    for (const name of stale) await rm(join(dir, name), { force: true });
    return paths;
  } catch (error) {
    throw new HermesError('gates_report_unwritable', `cannot write the reports to ${dir}`, {
      cause: error,
      details: [errorMessage(error)],
    });
  }
}
