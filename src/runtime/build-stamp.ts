/**
 * What a bundle was built as. esbuild replaces `__HERMES_BUILD__` with this object in
 * `build:staging` and `build:production` (src/deploy/build); run from the sources (tsx, tsc's
 * dist/) the name is not defined and there is no stamp.
 */
export interface BuildStamp {
  /** The build's environment: `staging`, `production`, ... */
  readonly environment: string;
  /** The default of `log.level` this build starts with (hermes.yaml and LOG_LEVEL still win). */
  readonly logLevel: string;
  readonly version: string;
  /** The source's git commit, when it was a git checkout. */
  readonly commit: string | null;
}

declare const __HERMES_BUILD__: BuildStamp | undefined;

export const buildStamp: BuildStamp | null =
  typeof __HERMES_BUILD__ === 'undefined' ? null : __HERMES_BUILD__;

/** The name esbuild's `define` replaces. */
export const buildStampGlobal = '__HERMES_BUILD__';
