import type { Observation, ReferenceSummary, StoredEvent } from "./history-store.js";

/**
 * Join each reference's newest observation and newest event into one
 * summary, ordered by reference in code-point order (the same on every
 * backend, whatever the database's collation).
 *
 * @example
 * ```ts
 * summarize([latestOfApp], [lastEventOfApp]); // [{ reference: "…/app:1", latest, lastEvent }]
 * ```
 */
export function summarize(latest: Observation[], lastEvents: StoredEvent[]): ReferenceSummary[] {
  const byReference = new Map<string, ReferenceSummary>();
  const entry = (reference: string): ReferenceSummary => {
    let found = byReference.get(reference);
    if (found === undefined) {
      found = { reference };
      byReference.set(reference, found);
    }
    return found;
  };
  for (const observation of latest) entry(observation.reference).latest = observation;
  for (const event of lastEvents) entry(event.reference).lastEvent = event;
  return [...byReference.values()].sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
}
