import type { Delivery, Observation, StoredEvent } from "./history-store.js";
import {
  toDelivery,
  toEvent,
  toObservation,
  type DeliveryRow,
  type EventRow,
  type ObservationRow,
} from "./sqlite-rows.js";

type Raw = Record<string, unknown>;

// pg answers timestamptz as Date and BIGINT as text; the store speaks ISO strings and numbers.
function plain(row: Raw): Raw {
  const out: Raw = {};
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Date) out[key] = value.toISOString();
    else if ((key === "id" || key === "event_id") && typeof value === "string" && /^\d+$/.test(value))
      out[key] = Number(value);
    else out[key] = value;
  }
  return out;
}

/**
 * PostgreSQL rows to the store's types, through the same mapping as SQLite's
 * (sqlite-rows.ts) once times and ids are plain.
 *
 * @example
 * ```ts
 * const observation = pgObservation((await pool.query("SELECT * FROM observations LIMIT 1")).rows[0]);
 * ```
 */
export function pgObservation(row: Raw): Observation {
  return toObservation(plain(row) as unknown as ObservationRow);
}

/** An `events` row as a {@link StoredEvent}. */
export function pgEvent(row: Raw): StoredEvent {
  return toEvent(plain(row) as unknown as EventRow);
}

/** A `deliveries` row as a {@link Delivery} (lease columns left out). */
export function pgDelivery(row: Raw): Delivery {
  const { leased_by: _by, lease_until: _until, ...rest } = plain(row);
  return toDelivery(rest as unknown as DeliveryRow);
}

/** A timestamptz column as ISO text. */
export function isoOf(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
