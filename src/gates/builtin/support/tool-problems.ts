import type { GateOutcome } from '../../gate.ts';
import { outputTail } from '../../../text/output-tail.ts';
import { errorOutcome } from './outcome.ts';
import { resolveTool } from './resolve-tool.ts';
import type { ToolRun } from './run-tool.ts';

/**
 * The tool's executable (resolveTool's lookup), or the gate's outcome when neither the
 * repository nor Hermes has it: an error, since without the tool the gate cannot judge.
 */
export function toolOrError(
  cwd: string,
  name: string,
  shown: string,
  reason = `no ${name} executable in node_modules/.bin`,
): string | GateOutcome {
  return resolveTool(cwd, name) ?? errorOutcome(`${shown} is not installed`, reason);
}

/**
 * A file the config names (`key`) that the repository does not have: a mistake in the
 * configuration, so an error rather than a skip. `shown` names the file in the summary.
 */
export function configuredFileMissing(key: string, path: string, shown = path): GateOutcome {
  return errorOutcome(`${shown} not found`, `${key} is ${path}, which does not exist in the repository`);
}

/** A tool that ended without the output the gate reads: an error, with the tail of what it printed. */
export function couldNotRun(shown: string, run: ToolRun): GateOutcome {
  const how = run.code === null ? 'killed' : `exit ${String(run.code)}`;
  return errorOutcome(`${shown} could not run (${how})`, outputTail(`${run.stdout}\n${run.stderr}`, 20));
}
