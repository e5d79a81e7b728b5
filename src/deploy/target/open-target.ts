import type { HermesConfig } from '../../config/schema.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import { CommandTarget } from '../command/command-target.ts';
import { LocalTarget } from '../local/local-target.ts';
import type { Target } from './target.ts';

export type TargetName = HermesConfig['deploy']['target'];

/** The configured target (or the one `--target` names), refusing one that cannot run here. */
export function openTarget(
  name: TargetName,
  cwd: string,
  config: Readonly<HermesConfig>,
  database: { embedded: boolean },
): Target {
  if (name === 'command') return new CommandTarget(cwd, config);
  if (database.embedded) {
    throw new HermesError(
      'deploy_target_unsupported',
      'the local target needs a real PostgreSQL (set DATABASE_URL): blue and green share one database, and the embedded one belongs to one process',
    );
  }
  return new LocalTarget(cwd, config);
}
