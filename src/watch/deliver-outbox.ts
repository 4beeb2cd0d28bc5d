import { DigestguardError } from "../errors/error.js";
import type { Delivery, HistoryStore } from "../history/history-store.js";
import type { Notifier } from "./notifiers.js";
import type { WatchLog } from "./watch-log.js";

/** Retry spacing of failed deliveries: doubles from `baseMs` up to `maxMs`. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** How long a claimed delivery stays a worker's: longer than any notifier may take to answer. */
export const DELIVERY_LEASE_MS = 300_000;

/** How a pass runs; `worker` names who claims the deliveries when several share the outbox. */
export interface OutboxOptions {
  backoff: Backoff;
  log: WatchLog;
  now?: () => Date;
  signal?: AbortSignal;
  worker?: string;
  leaseMs?: number;
}

/** What one pass over the outbox did. */
export interface OutboxPass {
  delivered: number;
  failed: number;
}

/**
 * Send every due delivery of the outbox once. Each is claimed first (with
 * a lease), so of several workers sharing the outbox exactly one sends it;
 * one whose worker died is claimed again when the lease runs out, with the
 * same id. A pass stops sending once half the lease has gone (a slow
 * receiver), so what it claimed but did not send is never sent twice. A delivered one is marked
 * done; a failed one keeps its id (receivers deduplicate on it) and waits
 * longer before the next try. Nothing is dropped: a delivery whose notifier
 * is no longer configured stays pending, visible in `dg events --pending`.
 *
 * @example
 * ```ts
 * await deliverDue(history, new Map([["ops", notifier]]), { backoff: { baseMs: 5000, maxMs: 3_600_000 }, log });
 * ```
 */
export async function deliverDue(
  history: HistoryStore,
  notifiers: ReadonlyMap<string, Notifier>,
  options: OutboxOptions,
): Promise<OutboxPass> {
  const now = options.now ?? (() => new Date());
  const pass: OutboxPass = { delivered: 0, failed: 0 };
  // One claim per pass: a delivery that fails now is retried by a later pass, after its backoff.
  const leaseMs = options.leaseMs ?? DELIVERY_LEASE_MS;
  const claimedAt = performance.now();
  const claimed = await history.claimDeliveries({
    dueAt: now().toISOString(),
    worker: options.worker ?? "local",
    leaseMs,
    limit: 500,
  });
  for (const delivery of claimed) {
    options.signal?.throwIfAborted();
    // Past half the lease the rest of the batch may soon be another worker's: leave it to the next
    // claim rather than send what that worker sends too. Half leaves room for the last send to finish.
    if (performance.now() - claimedAt > leaseMs / 2) break;
    if (await attempt(delivery, history, notifiers, options)) pass.delivered++;
    else pass.failed++;
  }
  return pass;
}

/**
 * Send one pending delivery now, whenever its next attempt was due (the
 * dashboard's "retry"): delivered, failed again (and rescheduled as any
 * failure is), or refused when no pending delivery has that id.
 *
 * @example
 * ```ts
 * await retryDelivery(history, notifiers, "5b0f…", { backoff, log }); // true when delivered
 * ```
 */
export async function retryDelivery(
  history: HistoryStore,
  notifiers: ReadonlyMap<string, Notifier>,
  id: string,
  options: OutboxOptions,
): Promise<boolean> {
  const delivery = await history.pendingDelivery(id);
  if (delivery === undefined) {
    throw new DigestguardError(
      "NOT_FOUND",
      `Cannot retry delivery ${id}: no pending delivery has that id; list them with GET /api/v1/deliveries or dg events --pending.`,
    );
  }
  return attempt(delivery, history, notifiers, options);
}

async function attempt(
  delivery: Delivery,
  history: HistoryStore,
  notifiers: ReadonlyMap<string, Notifier>,
  options: OutboxOptions,
): Promise<boolean> {
  const now = options.now ?? (() => new Date());
  const event = await history.event(delivery.eventId);
  const send = notifiers.get(delivery.notifier);
  try {
    if (event === undefined) throw new Error(`event ${delivery.eventId} is missing`);
    if (send === undefined) throw new Error(`notifier ${delivery.notifier} is not configured`);
    await send({ schemaVersion: 1, deliveryId: delivery.id, event }, options.signal);
    await history.markDelivered(delivery.id, now().toISOString());
    options.log("info", "delivered", { delivery: delivery.id, notifier: delivery.notifier, event: delivery.eventId });
    return true;
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    const waitMs = Math.min(options.backoff.maxMs, options.backoff.baseMs * 2 ** delivery.attempts);
    await history.markAttemptFailed(
      delivery.id,
      (error as Error).message,
      new Date(now().getTime() + waitMs).toISOString(),
    );
    options.log("warn", "delivery failed; will retry", {
      delivery: delivery.id,
      notifier: delivery.notifier,
      attempt: delivery.attempts + 1,
      retryInMs: waitMs,
      error: (error as Error).message,
    });
    return false;
  }
}
