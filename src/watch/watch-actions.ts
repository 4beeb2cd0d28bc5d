import type { EventKind, WatchEvent } from "../history/history-store.js";

/** What may happen on an event: verify the new content (deep: diff_ids too), mirror it, notify. */
export type WatchAction = "verify" | "verify-deep" | "mirror" | "notify";

/**
 * The actions for an event kind from `watch.actions`: the kind's own list,
 * else `"*"`, else the default — notify on every event except `check-error`
 * (an outage would notify every cycle; ask for it with `check-error: [notify]`).
 *
 * @example
 * ```ts
 * actionsFor({ moved: ["verify", "notify"] }, "moved"); // ["verify", "notify"]
 * ```
 */
export function actionsFor(configured: Record<string, WatchAction[]> | undefined, kind: EventKind): WatchAction[] {
  const own = configured?.[kind] ?? configured?.["*"];
  if (own !== undefined) return own;
  return kind === "check-error" ? [] : ["notify"];
}

/** Kinds whose event names new content a verify or mirror action can act on. */
export function bringsContent(event: WatchEvent): boolean {
  return (
    event.to !== undefined && (event.kind === "moved" || event.kind === "moved-back" || event.kind === "index-churn")
  );
}
