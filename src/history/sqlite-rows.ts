import type { Delivery, EventKind, Observation, PlatformDigest, StoredEvent } from "./history-store.js";

/** A row of `observations` as SQLite returns it. */
export interface ObservationRow {
  id: number;
  reference: string;
  digest: string | null;
  media_type: string | null;
  platforms: string;
  first_seen: string;
  last_seen: string;
}

/** A row of `events`. */
export interface EventRow {
  id: number;
  kind: string;
  reference: string;
  at: string;
  from_digest: string | null;
  to_digest: string | null;
  detail: string | null;
}

/** A row of `deliveries`. */
export interface DeliveryRow {
  id: string;
  event_id: number;
  notifier: string;
  attempts: number;
  next_attempt_at: string;
  delivered_at: string | null;
  last_error: string | null;
}

/**
 * Rows to the store's types: NULL columns become absent keys.
 *
 * @example
 * ```ts
 * const observation = toObservation(db.prepare("SELECT * FROM observations").get());
 * ```
 */
export function toObservation(row: ObservationRow): Observation {
  return {
    id: row.id,
    reference: row.reference,
    ...(row.digest !== null ? { digest: row.digest } : {}),
    ...(row.media_type !== null ? { mediaType: row.media_type } : {}),
    platforms: JSON.parse(row.platforms) as PlatformDigest[],
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
  };
}

/** An `events` row as a {@link StoredEvent}. */
export function toEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    kind: row.kind as EventKind,
    reference: row.reference,
    at: row.at,
    ...(row.from_digest !== null ? { from: row.from_digest } : {}),
    ...(row.to_digest !== null ? { to: row.to_digest } : {}),
    ...(row.detail !== null ? { detail: JSON.parse(row.detail) as Record<string, unknown> } : {}),
  };
}

/** A `deliveries` row as a {@link Delivery}. */
export function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    eventId: row.event_id,
    notifier: row.notifier,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    ...(row.delivered_at !== null ? { deliveredAt: row.delivered_at } : {}),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
  };
}
