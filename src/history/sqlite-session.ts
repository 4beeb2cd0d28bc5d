import type Database from "better-sqlite3";
import { historyError } from "./sqlite-errors.js";
import type { Prepare } from "./sqlite-writes.js";

/**
 * A SQLite history's open database with the two things every query needs:
 * statements compiled once and kept (a cycle runs the same few thousands of
 * times), and failures turned into history errors that name what was being
 * done and the file.
 *
 * @example
 * ```ts
 * const session = new SqliteSession(db, "/var/lib/dg/history.sqlite");
 * const refs = session.run("list references", () => session.prepare("SELECT DISTINCT reference FROM observations").all());
 * ```
 */
export class SqliteSession {
  readonly #statements = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    readonly path: string,
  ) {}

  /** The statement for `sql`, compiled on first use. */
  readonly prepare: Prepare = (sql) => {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  };

  /** Run `work`, turning its failure into a history error about `doing`. */
  run<T>(doing: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw historyError(error, doing, this.path);
    }
  }
}
