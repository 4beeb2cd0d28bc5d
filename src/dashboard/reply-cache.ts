import type { Reply, Route, RouteRequest } from "./router.js";

/**
 * Serve a read route's reply from a short-lived cache keyed by its path and
 * query: every request within `ms` of the first shares one read of the
 * history (in flight or done), so 20 clients polling the 1,000-image list
 * cost one query, not 20. A new `generation` (the watch recorded
 * something) starts afresh; what other processes write shows within `ms`.
 *
 * @example
 * ```ts
 * const route = cachedFor(1000, { method: "GET", path: "/api/v1/images", handle });
 * ```
 */
export function cachedFor(ms: number, route: Route, generation: () => number = () => 0): Route {
  const cache = new Map<string, { until: number; reply: Promise<Reply> }>();
  return {
    ...route,
    handle: (request: RouteRequest) => {
      const key = `${generation()} ${request.request.url}`;
      const now = Date.now();
      const hit = cache.get(key);
      if (hit !== undefined && hit.until > now) return hit.reply;
      for (const [k, v] of cache) if (v.until <= now) cache.delete(k);
      const reply = route.handle(request);
      cache.set(key, { until: now + ms, reply });
      // A failure is not kept: the next request tries again.
      reply.catch(() => cache.delete(key));
      return reply;
    },
  };
}
