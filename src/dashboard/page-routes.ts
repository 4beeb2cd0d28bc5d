import { LIST_CACHE_MS } from "./api-routes.js";
import type { DashboardContext } from "./dashboard-routes.js";
import { filterKey, filterRows, imageFilters, imageRows, tagHistory } from "./dashboard-data.js";
import { fleetWorkers } from "./fleet-data.js";
import type { Html } from "./html.js";
import { fleetPage } from "./pages/fleet-page.js";
import { indexPage } from "./pages/index-page.js";
import { STYLESHEET } from "./pages/stylesheet.js";
import { tagPage } from "./pages/tag-page.js";
import { cachedFor } from "./reply-cache.js";
import type { Reply, Route } from "./router.js";

const htmlReply = (page: Html): Reply => ({
  status: 200,
  type: "text/html; charset=utf-8",
  body: Buffer.from(page.text),
});

/**
 * The HTML pages and their stylesheet.
 *
 * @example
 * ```ts
 * const routes = pageRoutes(context);
 * ```
 */
export function pageRoutes(context: DashboardContext): Route[] {
  return [
    cachedFor(
      LIST_CACHE_MS,
      {
        method: "GET",
        path: "/",
        handle: async ({ query }) => {
          const filters = imageFilters(query);
          // One read of every row: the registry filter offers every registry, not only those left after filtering.
          const [all, events] = await Promise.all([
            imageRows(context),
            context.history.events({ limit: filters.kind === undefined ? 20 : 1000 }),
          ]);
          const registries = [...new Set(all.map((r) => r.registry))].sort();
          const recent = events.filter((e) => filters.kind === undefined || e.kind === filters.kind).slice(0, 20);
          return htmlReply(indexPage({ rows: filterRows(all, filters), registries, filters, recent }));
        },
      },
      () => context.generation?.() ?? 0,
      ({ query }) => filterKey(query),
    ),
    {
      method: "GET",
      path: "/tags/{reference}",
      handle: async ({ params }) => htmlReply(tagPage(await tagHistory(context, params["reference"] as string))),
    },
    {
      method: "GET",
      path: "/fleet",
      handle: async () => htmlReply(fleetPage(await fleetWorkers(context.history))),
    },
    {
      method: "GET",
      path: "/static/dashboard.css",
      handle: async () => ({
        status: 200,
        type: "text/css; charset=utf-8",
        body: STYLESHEET,
        headers: { "cache-control": "max-age=300" },
      }),
    },
  ];
}
