/** `relation "x" does not exist (SQLSTATE 42P01, line 3)`: what failed, and where in the file. */
export function describeSqlError(error: unknown, sql?: string): string {
  if (!(error instanceof Error)) return String(error);
  const fields = error as Error & { code?: unknown; position?: unknown };
  const parts: string[] = [];
  if (typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code))
    parts.push(`SQLSTATE ${fields.code}`);
  const position = Number(fields.position);
  if (sql !== undefined && Number.isInteger(position) && position > 0) {
    parts.push(`line ${sql.slice(0, position).split('\n').length}`);
  }
  return parts.length > 0 ? `${error.message} (${parts.join(', ')})` : error.message;
}
