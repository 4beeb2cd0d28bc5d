import type { WatchEvent } from "../history/history-store.js";

/**
 * The condition a lasting event stands for — a pin that is gone, a check
 * that keeps failing with one code — or undefined for an event that is a
 * change in itself.
 *
 * @example
 * ```ts
 * conditionOf({ kind: "pin-vanished", reference, at, from: "sha256:…" }); // "pin-vanished sha256:…"
 * ```
 */
export function conditionOf(event: WatchEvent): string | undefined {
  if (event.kind === "pin-vanished") return `pin-vanished ${event.from ?? ""}`;
  if (event.kind === "check-error") return `check-error ${String(event.detail?.code ?? "INTERNAL")}`;
  return undefined;
}

/**
 * Drop the events of conditions already open, so a vanished pin or an
 * outage is recorded (and notified) once, not every cycle, and again only
 * after it ended. Returns the events to record and the conditions open
 * after this check. A failed check saw no pins, so the pins it could not
 * look at keep their state.
 *
 * @example
 * ```ts
 * const { events, conditions } = withoutRepeats(found, await history.openConditions(ref), { checked: true });
 * ```
 */
export function withoutRepeats(
  found: WatchEvent[],
  open: ReadonlySet<string>,
  options: { checked: boolean },
): { events: WatchEvent[]; conditions: string[] } {
  const now = new Set<string>();
  const events = found.filter((event) => {
    const condition = conditionOf(event);
    if (condition === undefined) return true;
    const fresh = !open.has(condition) && !now.has(condition);
    now.add(condition);
    return fresh;
  });
  if (!options.checked) for (const condition of open) if (condition.startsWith("pin-vanished ")) now.add(condition);
  return { events, conditions: [...now] };
}
