/**
 * How a libpq program (pg_dump, pg_restore) is pointed at a database URL without the password
 * ever being on its command line (where `ps` shows it): the URL goes to `--dbname` without its
 * password, which goes to PGPASSWORD. node-postgres's own URL parameters, which libpq refuses as
 * unknown, are translated or dropped.
 */
export interface LibpqTarget {
  /** A connection URI without a password, for `--dbname`. */
  dbname: string;
  /** PGPASSWORD when the URL carried a password. */
  env: Record<string, string>;
  /** What must never be printed: the password as written and as decoded. */
  secrets: string[];
}

/** node-postgres spellings of "use TLS" (`ssl=true`, `sslmode=no-verify`) in libpq's terms. */
function translateSsl(params: URLSearchParams): void {
  const ssl = params.get('ssl');
  params.delete('ssl');
  params.delete('uselibpqcompat');
  if (params.get('sslmode') === 'no-verify') params.set('sslmode', 'require');
  if (ssl !== null && ssl !== 'false' && ssl !== '0' && !params.has('sslmode'))
    params.set('sslmode', 'require');
}

export function libpqTarget(databaseUrl: string): LibpqTarget {
  const url = new URL(databaseUrl);
  // The userinfo part is percent-encoded (libpq wants the password itself); a query parameter
  // comes decoded already.
  const encoded = url.password;
  const fromQuery = url.searchParams.get('password');
  const password = encoded === '' ? fromQuery : decodeURIComponent(encoded);
  url.password = '';
  url.searchParams.delete('password');
  translateSsl(url.searchParams);
  if (password === null || password === '') return { dbname: url.toString(), env: {}, secrets: [] };
  return {
    dbname: url.toString(),
    env: { PGPASSWORD: password },
    secrets: [...new Set([encoded, password].filter((s) => s !== ''))],
  };
}

/** `text` with every secret replaced, for output that may echo what it was given. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  return secrets.reduce((masked, secret) => masked.split(secret).join('[redacted]'), text);
}
