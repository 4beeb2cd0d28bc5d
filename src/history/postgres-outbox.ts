import type { Delivery, DeliveryClaim } from "./history-store.js";
import { pgDelivery } from "./postgres-rows.js";
import type { PostgresSession } from "./postgres-session.js";
import { claimDeliveries } from "./postgres-work.js";

/**
 * The outbox of a PostgreSQL history: deliveries still to send, and what
 * became of each attempt. A failed or finished attempt releases the
 * delivery's lease, so another worker may claim it when it is due.
 *
 * @example
 * ```ts
 * const outbox = new PostgresOutbox(session);
 * for (const delivery of await outbox.claim({ worker, dueAt, leaseMs: 60_000 })) await send(delivery);
 * ```
 */
export class PostgresOutbox {
  constructor(private readonly db: PostgresSession) {}

  async pending(options: { dueAt?: string; limit?: number } = {}): Promise<Delivery[]> {
    // LIMIT NULL is LIMIT ALL.
    const rows = await this.db.rows(
      "read the outbox",
      "SELECT * FROM deliveries WHERE delivered_at IS NULL AND ($1::timestamptz IS NULL OR next_attempt_at <= $1) ORDER BY next_attempt_at, id LIMIT $2",
      [options.dueAt ?? null, options.limit ?? null],
    );
    return rows.map(pgDelivery);
  }

  async count(): Promise<number> {
    const [row] = await this.db.rows(
      "count the outbox",
      "SELECT count(*) AS n FROM deliveries WHERE delivered_at IS NULL",
    );
    return Number(row?.["n"] ?? 0);
  }

  async one(id: string): Promise<Delivery | undefined> {
    const [row] = await this.db.rows(
      "read a delivery",
      "SELECT * FROM deliveries WHERE id = $1 AND delivered_at IS NULL",
      [id],
    );
    return row === undefined ? undefined : pgDelivery(row);
  }

  async markDelivered(id: string, at: string): Promise<void> {
    await this.db.rows(
      "mark a delivery done",
      "UPDATE deliveries SET delivered_at = $1, attempts = attempts + 1, lease_until = NULL WHERE id = $2",
      [at, id],
    );
  }

  async markAttemptFailed(id: string, error: string, nextAttemptAt: string): Promise<void> {
    await this.db.rows(
      "record a failed delivery",
      "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_until = NULL WHERE id = $3",
      // PostgreSQL text cannot hold NUL, which a notifier command's stderr may: the attempt must still count.
      [error.slice(0, 1000).replaceAll("\0", "\uFFFD"), nextAttemptAt, id],
    );
  }

  claim(claim: DeliveryClaim): Promise<Delivery[]> {
    return this.db.guard("claim deliveries", async () => (await claimDeliveries(this.db.pool, claim)).map(pgDelivery));
  }
}
