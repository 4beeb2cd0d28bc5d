import type { Delivery, HistoryStore, StoredEvent } from "../history/history-store.js";

/** `dg events`: recent events, or the deliveries still waiting in the outbox. */
export interface EventsReport {
  schemaVersion: 1;
  events?: StoredEvent[];
  pending?: (Delivery & { event?: StoredEvent })[];
  /** With `pending`: every undelivered notification, beyond those listed too. */
  pendingTotal?: number;
}

/**
 * Recent events (newest first), or with `pending` the undelivered
 * notifications due first, with their attempts, last error and next try,
 * and how many are pending in all; `limit` (default 50) bounds either list.
 *
 * @example
 * ```ts
 * const { pending } = await readEvents(history, { pending: true });
 * ```
 */
export async function readEvents(
  history: HistoryStore,
  options: { pending?: boolean; limit?: number; reference?: string } = {},
): Promise<EventsReport> {
  if (options.pending === true) {
    // An outage can leave thousands pending: list a page, count the rest.
    const pending = await history.pendingDeliveries({ limit: options.limit ?? 50 });
    return {
      schemaVersion: 1,
      pending: await Promise.all(pending.map(async (d) => ({ ...d, event: await history.event(d.eventId) }))),
      pendingTotal: await history.pendingDeliveryCount(),
    };
  }
  return {
    schemaVersion: 1,
    events: await history.events({
      limit: options.limit ?? 50,
      ...(options.reference ? { reference: options.reference } : {}),
    }),
  };
}

/**
 * The report as text, one line per event or delivery.
 *
 * @example
 * ```ts
 * renderEvents(await readEvents(history));
 * ```
 */
export function renderEvents(report: EventsReport): string {
  if (report.pending !== undefined) {
    if (report.pending.length === 0) return "outbox empty: every notification was delivered\n";
    const more = (report.pendingTotal ?? 0) - report.pending.length;
    return `${report.pending.map(renderDelivery).join("")}${more > 0 ? `… ${more} more pending (--limit to list more)\n` : ""}`;
  }
  const events = report.events ?? [];
  if (events.length === 0) return "no events recorded\n";
  return events
    .map(
      (e) =>
        `${e.at}  #${e.id} ${e.kind}  ${e.reference}${e.from ? `  from ${e.from}` : ""}${e.to ? `  to ${e.to}` : ""}${typeof e.detail?.["message"] === "string" ? `  ${e.detail["message"]}` : ""}\n`,
    )
    .join("");
}

function renderDelivery(d: Delivery & { event?: StoredEvent }): string {
  return `${d.id}  ${d.notifier}  event ${d.eventId} ${d.event?.kind ?? "?"} ${d.event?.reference ?? ""}  attempts ${d.attempts}  next ${d.nextAttemptAt}${d.lastError ? `  last error: ${d.lastError}` : ""}\n`;
}
