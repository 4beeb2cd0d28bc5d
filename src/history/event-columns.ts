import type { WatchEvent } from "./history-store.js";

/**
 * An event's values for the columns `kind, reference, at, from_digest,
 * to_digest, detail` in that order, as both stores insert them: absent
 * digests and details are NULL, details are stored as JSON text.
 *
 * @example
 * ```ts
 * eventColumns({ kind: "moved", reference: "r/a:1", at, from, to }); // ["moved", "r/a:1", at, from, to, null]
 * ```
 */
export function eventColumns(event: WatchEvent): (string | null)[] {
  return [
    event.kind,
    event.reference,
    event.at,
    event.from ?? null,
    event.to ?? null,
    event.detail === undefined ? null : JSON.stringify(event.detail),
  ];
}
