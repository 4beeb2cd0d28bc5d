import type { Delivery } from "./history-store.js";
import { toDelivery, type DeliveryRow } from "./sqlite-rows.js";
import type { SqliteSession } from "./sqlite-session.js";

/**
 * The outbox of a SQLite history: deliveries still to send, and what became
 * of each attempt. One process sends, so there are no leases to take.
 *
 * @example
 * ```ts
 * const outbox = new SqliteOutbox(session);
 * for (const delivery of outbox.pending({ dueAt: new Date().toISOString() })) await send(delivery);
 * ```
 */
export class SqliteOutbox {
  constructor(private readonly db: SqliteSession) {}

  pending(options: { dueAt?: string; limit?: number } = {}): Delivery[] {
    return this.db.run("read the outbox", () => {
      const due = options.dueAt === undefined ? "" : "AND next_attempt_at <= @dueAt";
      // LIMIT -1 is SQLite's "no limit".
      const rows = this.db
        .prepare(
          `SELECT * FROM deliveries WHERE delivered_at IS NULL ${due} ORDER BY next_attempt_at, rowid LIMIT @limit`,
        )
        .all({ limit: options.limit ?? -1, ...(options.dueAt === undefined ? {} : { dueAt: options.dueAt }) });
      return (rows as DeliveryRow[]).map(toDelivery);
    });
  }

  count(): number {
    return this.db.run("count the outbox", () => {
      const row = this.db.prepare("SELECT count(*) AS n FROM deliveries WHERE delivered_at IS NULL").get() as {
        n: number;
      };
      return row.n;
    });
  }

  one(id: string): Delivery | undefined {
    return this.db.run("read a delivery", () => {
      const row = this.db.prepare("SELECT * FROM deliveries WHERE id = ? AND delivered_at IS NULL").get(id) as
        | DeliveryRow
        | undefined;
      return row === undefined ? undefined : toDelivery(row);
    });
  }

  markDelivered(id: string, at: string): void {
    this.db.run("mark a delivery done", () =>
      this.db.prepare("UPDATE deliveries SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?").run(at, id),
    );
  }

  markAttemptFailed(id: string, error: string, nextAttemptAt: string): void {
    this.db.run("record a failed delivery", () =>
      this.db
        .prepare("UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?")
        .run(error.slice(0, 1000), nextAttemptAt, id),
    );
  }
}
