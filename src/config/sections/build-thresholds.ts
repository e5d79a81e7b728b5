import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { logLevels, type LogLevel } from './log-levels.ts';

/** A path relative to the repository, inside it. */
const relativePath = z
  .string()
  .min(1)
  .refine((path) => !isAbsolute(path) && !path.split(/[\\/]/).includes('..'), {
    error: 'expected a path relative to the repository, inside it',
  });

/** What a release needs beside its bundle, so that it runs from a copy with nothing of the source tree. */
const releaseFiles = [
  { from: 'package.json', to: 'package.json' },
  { from: 'migrations', to: 'migrations' },
  { from: 'src/intake/assets', to: 'assets' },
];

interface EnvironmentDefaults {
  sourcemap: boolean;
  minify: boolean;
  logLevel: LogLevel;
  maxSizeKb: number;
}

/** One environment's build (§2.1.1): the bundle, what is copied beside it, and how it must differ. */
function buildEnvironment(name: string, defaults: EnvironmentDefaults) {
  return z
    .strictObject({
      /** The module the bundle starts from. */
      entry: relativePath.default('src/cli/run.ts'),
      outDir: relativePath.default(`dist/${name}`),
      copy: z.array(z.strictObject({ from: relativePath, to: relativePath })).default(releaseFiles),
      sourcemap: z.boolean().default(defaults.sourcemap),
      minify: z.boolean().default(defaults.minify),
      /** The default of `log.level` the bundle starts with. */
      logLevel: z.enum(logLevels).default(defaults.logLevel),
      /** The bundle's JavaScript (source maps not counted), in KB of 1024 bytes. */
      maxSizeKb: z.number().positive().default(defaults.maxSizeKb),
    })
    .prefault({});
}

export const buildThresholds = z
  .strictObject({
    // Staging keeps what helps to debug a release; production what serves it best.
    staging: buildEnvironment('staging', {
      sourcemap: true,
      minify: false,
      logLevel: 'debug',
      maxSizeKb: 2048,
    }),
    production: buildEnvironment('production', {
      sourcemap: false,
      minify: true,
      logLevel: 'info',
      maxSizeKb: 1024,
    }),
  })
  .prefault({});

export type BuildEnvironmentSettings = z.output<typeof buildThresholds>['staging'];
