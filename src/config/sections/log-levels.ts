import { buildStamp } from '../../runtime/build-stamp.ts';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type LogLevel = (typeof logLevels)[number];

export function isLogLevel(value: string): value is LogLevel {
  return (logLevels as readonly string[]).includes(value);
}

/** `info`, or the level a staging or production bundle was built to start with. */
export const defaultLogLevel: LogLevel =
  buildStamp && isLogLevel(buildStamp.logLevel) ? buildStamp.logLevel : 'info';
