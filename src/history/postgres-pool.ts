import type pg from "pg";

/**
 * How long the history waits on PostgreSQL before it gives up, in ms. A
 * server that accepts and never answers, a table an operator keeps locked,
 * or a worker frozen inside a transaction (holding its job's row lock) must
 * end in HISTORY_UNAVAILABLE or HISTORY_BUSY, not a worker that waits
 * forever. A URL's own `?lock_timeout=…&statement_timeout=…` wins over these.
 */
export const POSTGRES_LIMITS = {
  connectMs: 10_000,
  lockMs: 10_000,
  statementMs: 120_000,
  idleInTransactionMs: 60_000,
} as const;

/**
 * The pool settings of a history at `url`: bounded connect, lock, statement
 * and idle-in-transaction times, TCP keep-alive so a peer that vanished is
 * noticed, and the application name operators see in `pg_stat_activity`.
 *
 * @example
 * ```ts
 * const pool = new pg.Pool(poolConfig("postgres://dg@db/dg", 10));
 * ```
 */
export function poolConfig(url: string, size: number): pg.PoolConfig {
  return {
    connectionString: url,
    max: size,
    application_name: "digestguard",
    connectionTimeoutMillis: POSTGRES_LIMITS.connectMs,
    lock_timeout: POSTGRES_LIMITS.lockMs,
    statement_timeout: POSTGRES_LIMITS.statementMs,
    idle_in_transaction_session_timeout: POSTGRES_LIMITS.idleInTransactionMs,
    keepAlive: true,
  };
}
