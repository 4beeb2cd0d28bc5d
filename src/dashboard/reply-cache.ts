import type { Reply, Route, RouteRequest } from "./router.js";

/**
 * Answers one cached route holds at once. Each distinct key costs a read and
 * a reply in memory: past this, a new key is answered but not kept, so a
 * client sending endless distinct queries cannot grow the cache.
 */
export const MAX_CACHED_REPLIES = 64;

/**
 * Serve a read route's reply from a short-lived cache keyed by its path and
 * what `keyOf` takes from the request (default: the query as sent; pass the
 * parameters the route reads, so junk parameters cannot bypass it): every
 * request within `ms` of the first shares one read of the history (in flight
 * or done), so 20 clients polling the 1,000-image list cost one query, not
 * 20. A new `generation` (the watch recorded something) starts afresh; what
 * other processes write shows within `ms`.
 *
 * @example
 * ```ts
 * const route = cachedFor(1000, { method: "GET", path: "/api/v1/images", handle }, () => 0, ({ query }) => query.get("status") ?? "");
 * ```
 */
export function cachedFor(
  ms: number,
  route: Route,
  generation: () => number = () => 0,
  keyOf: (request: RouteRequest) => string = (request) => request.query.toString(),
): Route {
  const cache = new Map<string, { until: number; reply: Promise<Reply> }>();
  return {
    ...route,
    handle: (request: RouteRequest) => {
      const key = `${generation()} ${keyOf(request)}`;
      const now = Date.now();
      const hit = cache.get(key);
      if (hit !== undefined && hit.until > now) return hit.reply;
      for (const [k, v] of cache) if (v.until <= now) cache.delete(k);
      const reply = route.handle(request);
      if (cache.size >= MAX_CACHED_REPLIES) return reply;
      cache.set(key, { until: now + ms, reply });
      // A failure is not kept: the next request tries again.
      reply.catch(() => cache.delete(key));
      return reply;
    },
  };
}
