import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ReportFormat } from '../../config/sections/gates.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import type { StageRun } from '../stage-run-result.ts';
import { htmlReport } from './html-report.ts';
import { jsonReport } from './json-report.ts';
import { junitReport } from './junit-report.ts';
import { markdownReport } from './markdown-report.ts';
import { errorMessage } from '../../errors/error-message.ts';

const writers: Record<ReportFormat, { suffix: string; render: (run: StageRun) => string }> = {
  json: { suffix: 'json', render: jsonReport },
  junit: { suffix: 'junit.xml', render: junitReport },
  md: { suffix: 'md', render: markdownReport },
  html: { suffix: 'html', render: htmlReport },
};

/** The file a format is written to: stable per stage, so CI settings can point at it. */
export function reportFileName(stage: string, format: ReportFormat): string {
  return `gates-${stage}.${writers[format].suffix}`;
}

/** Writes the run in each format to `dir`; returns the paths written. */
export async function writeReports(
  run: StageRun,
  options: { dir: string; formats: readonly ReportFormat[]; cwd?: string },
): Promise<string[]> {
  const dir = resolve(options.cwd ?? process.cwd(), options.dir);
  try {
    await mkdir(dir, { recursive: true });
    const paths: string[] = [];
    for (const format of new Set(options.formats)) {
      const path = join(dir, reportFileName(run.stage, format));
      await writeFile(path, writers[format].render(run));
      paths.push(path);
    }
    return paths;
  } catch (error) {
    throw new HermesError('gates_report_unwritable', `cannot write the reports to ${dir}`, {
      cause: error,
      details: [errorMessage(error)],
    });
  }
}
