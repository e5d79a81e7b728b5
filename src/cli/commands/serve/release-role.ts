import { readFileSync } from 'node:fs';
import type { Logger } from '../../../observability/logger.ts';
import { parseReleaseRole, type ReleaseRole } from '../../../runtime/release-role.ts';

function readRole(file: string, logger: Logger): ReleaseRole | null {
  try {
    const role = parseReleaseRole(readFileSync(file, 'utf8'));
    if (role === null) logger.warn({ file }, 'release role: the file names no role (live or standby)');
    return role;
  } catch (error) {
    logger.warn({ file, err: error }, 'release role: cannot read the role file');
    return null;
  }
}

/**
 * Applies the role in `file` now and on every SIGUSR2, one change at a time; returns the function
 * that stops following it. A file that cannot be read keeps the current role (live at first).
 */
export function followReleaseRole(
  file: string,
  logger: Logger,
  apply: (role: ReleaseRole) => Promise<void>,
): { ready: Promise<void>; stop(): void } {
  let current: ReleaseRole | null = null;
  let chain = Promise.resolve();
  const update = (initial: boolean): Promise<void> => {
    const applied = chain.then(async () => {
      const role = readRole(file, logger) ?? current ?? 'live';
      if (role === current) return;
      if (!initial) logger.info({ role, was: current }, 'release role changed');
      await apply(role);
      current = role;
    });
    // A change that failed keeps the role it had (the next SIGUSR2 tries again) and blocks no later one.
    chain = applied.catch((error: unknown) => {
      if (!initial) logger.error({ file, err: error }, 'release role: cannot apply the role');
    });
    return applied;
  };
  const onSignal = () => void update(false).catch(() => undefined);
  process.on('SIGUSR2', onSignal);
  return { ready: update(true), stop: () => process.off('SIGUSR2', onSignal) };
}
