/** `YYYY-MM-DD-HH-MM` of `now` in UTC: the name a backup taken then carries (DESIGN's names table). */
export function backupBaseName(now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return [
    String(now.getUTCFullYear()).padStart(4, '0'),
    pad(now.getUTCMonth() + 1),
    pad(now.getUTCDate()),
    pad(now.getUTCHours()),
    pad(now.getUTCMinutes()),
  ].join('-');
}

/** The `n`th backup of one minute: the base name, then `-2`, `-3`, ... */
export function nthBackupName(base: string, n: number): string {
  return n <= 1 ? base : `${base}-${String(n)}`;
}
