import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildReport } from '../../../deploy/build/run-build.ts';
import { errorMessage } from '../../../errors/error-message.ts';
import type { BuildStamp } from '../../../runtime/build-stamp.ts';
import { outputTail } from '../../../text/output-tail.ts';
import { runTool } from '../support/run-tool.ts';
import { looksMinified, type BuildObservation } from './judge-build.ts';

interface PrintedConfig {
  build?: BuildStamp | null;
  config?: { log?: { level?: unknown } };
}

/**
 * Runs the bundle as a release would be run (`config print --json`), in an empty directory with
 * nothing configured, so that what it prints is what it was built as and starts with.
 */
async function runBundle(
  report: BuildReport,
  signal: AbortSignal,
): Promise<Pick<BuildObservation, 'stamp' | 'logLevel' | 'runProblem'>> {
  const empty = mkdtempSync(join(tmpdir(), 'hermes-build-check-'));
  try {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: empty };
    const run = await runTool(process.execPath, [report.outfile, 'config', 'print', '--json'], {
      cwd: empty,
      env,
      signal,
    });
    if (run.code !== 0) {
      const tail = outputTail(run.stderr || run.stdout);
      return { stamp: null, logLevel: null, runProblem: `exit ${String(run.code)}: ${tail}` };
    }
    const printed = JSON.parse(run.stdout) as PrintedConfig;
    const level = printed.config?.log?.level;
    return {
      stamp: printed.build ?? null,
      logLevel: typeof level === 'string' ? level : null,
      runProblem: null,
    };
  } catch (error) {
    return { stamp: null, logLevel: null, runProblem: errorMessage(error) };
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

/** What the build directory holds and what its bundle says about itself. */
export async function inspectBuild(report: BuildReport, signal: AbortSignal): Promise<BuildObservation> {
  const code = readFileSync(report.outfile, 'utf8');
  const sourcemap = existsSync(`${report.outfile}.map`) && /\n\/\/# sourceMappingURL=\S+\s*$/.test(code);
  return { sourcemap, minified: looksMinified(code), ...(await runBundle(report, signal)) };
}
