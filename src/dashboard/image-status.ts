import type { EventKind, ReferenceSummary } from "../history/history-store.js";

/** What the dashboard says of a watched image. */
export type ImageStatus = "verified" | "drifted" | "error";

const MOVES: ReadonlySet<EventKind> = new Set([
  "moved",
  "index-churn",
  "moved-back",
  "platform-added",
  "platform-removed",
]);
const FAILURES: ReadonlySet<EventKind> = new Set(["check-error", "verify-failed", "pin-vanished", "tag-deleted"]);

/**
 * An image's status from its summary and its lockfile pins:
 * - `error`: its newest event is a failure (check error, failed verify,
 *   vanished pin, deleted tag) and no later check has seen it well since;
 * - `drifted`: the tag points elsewhere than its pin, or (with no pin) its
 *   newest event is a move: someone should review and `pin --update`;
 * - `verified`: it points where it should and the last check saw nothing wrong.
 *
 * @example
 * ```ts
 * imageStatus({ reference, latest, lastEvent: { kind: "moved", … } }, []); // "drifted"
 * ```
 */
export function imageStatus(summary: ReferenceSummary, pins: readonly string[]): ImageStatus {
  const { latest, lastEvent } = summary;
  if (latest === undefined || latest.digest === undefined) return "error";
  if (lastEvent !== undefined && FAILURES.has(lastEvent.kind) && stillFailing(summary)) return "error";
  if (pins.length > 0) return pins.includes(latest.digest) ? "verified" : "drifted";
  return lastEvent !== undefined && MOVES.has(lastEvent.kind) ? "drifted" : "verified";
}

// A check error records no sighting, so a later good check shows as a newer lastSeen;
// a failed verify stands while the tag still points at what failed.
function stillFailing({ latest, lastEvent }: ReferenceSummary): boolean {
  if (lastEvent === undefined || latest === undefined) return true;
  if (lastEvent.kind === "verify-failed") return lastEvent.to === undefined || lastEvent.to === latest.digest;
  return lastEvent.at >= latest.lastSeen;
}

/**
 * Every status, for filters and their validation.
 *
 * @example
 * ```ts
 * IMAGE_STATUSES.includes("drifted"); // true
 * ```
 */
export const IMAGE_STATUSES: readonly ImageStatus[] = ["verified", "drifted", "error"];
