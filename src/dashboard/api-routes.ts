import { DigestguardError } from "../errors/error.js";
import type { EventKind } from "../history/history-store.js";
import type { DashboardContext } from "./dashboard-routes.js";
import { EVENT_KINDS, filterKey, imageFilters, imageRows, tagHistory } from "./dashboard-data.js";
import { fleetWorkers } from "./fleet-data.js";
import { openApiDocument } from "./openapi.js";
import { cachedFor } from "./reply-cache.js";
import { jsonReply } from "./respond.js";
import type { Route } from "./router.js";

/** How old the image list may be: a second, so a crowd of pollers costs one read. */
export const LIST_CACHE_MS = 1000;

/**
 * The JSON API under /api/v1, as described by {@link openApiDocument}.
 *
 * @example
 * ```ts
 * const routes = apiRoutes(context);
 * ```
 */
export function apiRoutes(context: DashboardContext): Route[] {
  return [
    cachedFor(
      LIST_CACHE_MS,
      get("/api/v1/images", async ({ query }) => ({ images: await imageRows(context, imageFilters(query)) })),
      () => context.generation?.() ?? 0,
      ({ query }) => filterKey(query),
    ),
    get("/api/v1/images/{reference}", async ({ params }) => tagHistory(context, params["reference"] as string)),
    get("/api/v1/workers", async () => ({ workers: await fleetWorkers(context.history) })),
    get("/api/v1/events", async ({ query }) => ({ events: await events(context, query) })),
    get("/api/v1/deliveries", async ({ query }) => ({
      deliveries: await context.history.pendingDeliveries({ limit: limitOf(query) }),
      total: await context.history.pendingDeliveryCount(),
    })),
    get("/api/v1/openapi.json", async () => openApiDocument()),
    {
      method: "POST",
      path: "/api/v1/checks",
      write: true,
      handle: async () => {
        // Answered at once: a cycle can outlast any request; its events show in /api/v1/events.
        void context.checkNow();
        return jsonReply(202, { accepted: true });
      },
    },
    {
      method: "POST",
      path: "/api/v1/deliveries/{id}/retry",
      write: true,
      handle: async ({ params }) => jsonReply(200, { delivered: await context.retryDelivery(params["id"] as string) }),
    },
  ];
}

function get(path: string, answer: (request: Parameters<Route["handle"]>[0]) => Promise<unknown>): Route {
  return { method: "GET", path, handle: async (request) => jsonReply(200, await answer(request)) };
}

// `?limit=`: 100 by default, at most 1,000, so no request reads a whole table.
function limitOf(query: URLSearchParams): number {
  const limit = Number(query.get("limit") ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new DigestguardError(
      "USAGE",
      `Cannot use limit=${query.get("limit")}: expected a whole number from 1 to 1000.`,
    );
  return limit;
}

// The newest events; a kind filter looks among the newest 1,000.
async function events(context: DashboardContext, query: URLSearchParams) {
  const limit = limitOf(query);
  const kind = query.get("kind") || undefined;
  if (kind !== undefined && !EVENT_KINDS.includes(kind as EventKind))
    throw new DigestguardError("USAGE", `Cannot filter by event kind "${kind}": expected ${EVENT_KINDS.join(", ")}.`);
  const reference = query.get("reference") || undefined;
  const found = await context.history.events({
    limit: kind === undefined ? limit : 1000,
    ...(reference === undefined ? {} : { reference }),
  });
  return found.filter((e) => kind === undefined || e.kind === kind).slice(0, limit);
}
