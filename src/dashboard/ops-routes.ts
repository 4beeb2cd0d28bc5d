import type { DashboardContext } from "./dashboard-routes.js";
import { errorReply, jsonReply } from "./respond.js";
import type { Route } from "./router.js";

/**
 * /healthz (the process answers), /readyz (the history answers and the
 * first cycle is done), /metrics (Prometheus text).
 *
 * @example
 * ```ts
 * const routes = opsRoutes(context);
 * ```
 */
export function opsRoutes(context: DashboardContext): Route[] {
  return [
    { method: "GET", path: "/healthz", handle: async () => jsonReply(200, { status: "ok" }) },
    {
      method: "GET",
      path: "/readyz",
      handle: async () => {
        try {
          await context.history.pendingDeliveries({ dueAt: "0000" });
        } catch (error) {
          return errorReply(
            503,
            "HISTORY_UNAVAILABLE",
            `Cannot serve: the history does not answer (${(error as Error).message}).`,
          );
        }
        if (!context.ready())
          return errorReply(503, "NOT_READY", "Cannot serve yet: the first watch cycle is still running.");
        return jsonReply(200, { status: "ready" });
      },
    },
    {
      method: "GET",
      path: "/metrics",
      handle: async () => {
        const { text, contentType } = await context.metrics.scrape();
        return { status: 200, type: contentType, body: text };
      },
    },
  ];
}
