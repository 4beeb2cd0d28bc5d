import type pg from "pg";
import { postgresError } from "./postgres-errors.js";

/** A connection or a pool: what a query needs. */
export type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

/**
 * A PostgreSQL history's pool with the three ways its queries run: plain
 * rows, any work, and a transaction on one connection, each failure turned
 * into a history error that names what was being done and where (the URL
 * with its password hidden).
 *
 * @example
 * ```ts
 * const session = new PostgresSession(pool, "postgres://dg:***@db/dg");
 * const rows = await session.rows("list references", "SELECT DISTINCT reference FROM observations");
 * ```
 */
export class PostgresSession {
  constructor(
    readonly pool: pg.Pool,
    readonly where: string,
  ) {}

  /** Run a query on the pool, as plain rows. */
  async rows(doing: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.guard(doing, async () => (await this.pool.query(sql, params)).rows);
  }

  /** Run `run`, turning its failure into a history error about `doing`. */
  async guard<T>(doing: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw postgresError(error, doing, this.where);
    }
  }

  /** BEGIN … COMMIT on one connection; ROLLBACK on failure (and when `body` answers undefined). */
  async transaction<T>(doing: string, body: (client: pg.PoolClient) => Promise<T | undefined>): Promise<T | undefined> {
    return this.guard(doing, async () => {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await body(client);
        await client.query(result === undefined ? "ROLLBACK" : "COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }
}
