import pg from 'pg';

export interface PoolOptions {
  max: number;
  connectionTimeoutMs: number;
  idleTimeoutMs: number;
  statementTimeoutMs: number;
  applicationName?: string;
  /** Told when an idle client loses its connection (e.g. the database restarted). */
  onIdleClientError?: (error: Error) => void;
}

// Return int8 (COUNT(*), bigint ids) as numbers: Hermes's counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

// Enough for the server's own statement_timeout error to arrive first when the network is alive.
const queryTimeoutMarginMs = 2_000;

export function createPool(url: string, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    idleTimeoutMillis: options.idleTimeoutMs,
    application_name: options.applicationName ?? 'hermes',
    // TCP keepalive and a client-side limit above the server's: a silently dead network becomes an error, not a hang.
    keepAlive: true,
    ...(options.statementTimeoutMs > 0
      ? {
          statement_timeout: options.statementTimeoutMs,
          query_timeout: options.statementTimeoutMs + queryTimeoutMarginMs,
        }
      : {}),
  });
  // An idle client losing its connection (database restart) must not crash the process;
  // the next checkout reconnects.
  pool.on('error', (error) => options.onIdleClientError?.(error));
  return pool;
}
