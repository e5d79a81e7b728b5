import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Words that end one command of a script line (`a && b`): an `--only` after them is another command's. */
const commandEnds = new Set(['&&', '||', ';', '|', '&']);

/** Where a script runs a selection of gates: `hermes gates run <stage> --only <ids>`. */
export interface GateScript {
  script: string;
  stage: string;
  ids: readonly string[];
}

/** The `gates run <stage> --only a,b` commands of one script line (a line may hold several). */
export function gateRuns(script: string, line: string): GateScript[] {
  const words = line.split(/\s+/).filter((word) => word.length > 0);
  const found: GateScript[] = [];
  for (let i = 0; i + 2 < words.length; i++) {
    if (words[i] !== 'gates' || words[i + 1] !== 'run') continue;
    const stage = words[i + 2] ?? '';
    for (let j = i + 3; j < words.length && !commandEnds.has(words[j] ?? ''); j++) {
      const word = words[j] ?? '';
      const value = word === '--only' ? words[j + 1] : word.startsWith('--only=') ? word.slice(7) : undefined;
      if (value === undefined) continue;
      found.push({ script, stage, ids: value.split(',').filter((id) => id.length > 0) });
    }
  }
  return found;
}

/**
 * The npm scripts that run each gate on its own or in a selection, by `<stage>:<gate id>`
 * (a script runs a gate of the stage it names only). A script running a whole stage is not listed:
 * it runs every gate of that stage, and the reference says so once.
 */
export function npmScriptsByGate(scripts: Readonly<Record<string, string>>): Map<string, string[]> {
  const byGate = new Map<string, string[]>();
  for (const [script, line] of Object.entries(scripts))
    for (const run of gateRuns(script, line))
      for (const id of run.ids) {
        const key = `${run.stage}:${id}`;
        byGate.set(key, [...(byGate.get(key) ?? []), script]);
      }
  return byGate;
}

/** `scripts` of the package.json in `cwd`; none when there is no such file or it cannot be read. */
export function readNpmScripts(cwd: string): Record<string, string> {
  const path = join(cwd, 'package.json');
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // The reference names scripts as a courtesy; a broken package.json is other gates' business.
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || !('scripts' in parsed)) return {};
  const { scripts } = parsed;
  if (scripts === null || typeof scripts !== 'object') return {};
  return Object.fromEntries(
    Object.entries(scripts).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
