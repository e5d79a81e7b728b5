import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStamp } from './build-stamp.ts';

/**
 * Where Hermes's own files are, whether it runs from its sources (src/runtime/ is two levels below
 * the package) or from a bundle (one file at the top of its build directory, the files beside it).
 * A bundle is copied to run as a release, so nothing may be found relative to the source tree.
 */
const here = dirname(fileURLToPath(import.meta.url));

export const hermesRoot: string = buildStamp ? here : join(here, '..', '..');

/** package.json, its migrations and the intake's browser assets, from the sources or a build. */
export const hermesFiles = {
  packageJson: join(hermesRoot, 'package.json'),
  migrations: join(hermesRoot, 'migrations'),
  intakeAssets: buildStamp ? join(hermesRoot, 'assets') : join(hermesRoot, 'src', 'intake', 'assets'),
} as const;
