import { createHmac } from "node:crypto";
import type { StoredEvent } from "../history/history-store.js";

/**
 * The documented JSON body every notifier receives (webhook POST body,
 * command stdin): `schemaVersion`, the `deliveryId` to deduplicate on (the
 * same on every retry), and the event.
 */
export interface NotificationBody {
  schemaVersion: 1;
  deliveryId: string;
  event: StoredEvent;
}

/**
 * The body's exact bytes, as signed and sent.
 *
 * @example
 * ```ts
 * const bytes = notificationBytes({ schemaVersion: 1, deliveryId, event });
 * ```
 */
export function notificationBytes(body: NotificationBody): Buffer {
  return Buffer.from(JSON.stringify(body));
}

/**
 * `X-Digestguard-Signature`: `sha256=` and the hex HMAC-SHA256 of the exact
 * body bytes under the notifier's secret. A receiver recomputes it and
 * compares in constant time.
 *
 * @example
 * ```ts
 * signBody(bytes, "s3cret"); // "sha256=5d1…"
 * ```
 */
export function signBody(bytes: Uint8Array, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(bytes).digest("hex")}`;
}

/**
 * A one-line summary of an event, for chat notifiers.
 *
 * @example
 * ```ts
 * eventSummary(event); // "digestguard: docker.io/library/alpine:3.19 moved sha256:aa…→sha256:bb…"
 * ```
 */
export function eventSummary(event: StoredEvent): string {
  const short = (d: string | undefined): string => (d === undefined ? "?" : `${d.slice(0, 19)}…`);
  const move = event.from !== undefined || event.to !== undefined ? ` ${short(event.from)} → ${short(event.to)}` : "";
  const why = typeof event.detail?.["message"] === "string" ? `: ${event.detail["message"]}` : "";
  return `digestguard: ${event.reference} ${event.kind}${move}${why}`;
}
