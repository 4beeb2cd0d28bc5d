import { DigestguardError } from "../errors/error.js";
import { apiRoutes } from "./api-routes.js";
import type { DashboardContext } from "./dashboard-routes.js";
import { type RunningServer, serve } from "./http-server.js";
import { isLoopback, type ListenAddress } from "./listen-address.js";
import { opsRoutes } from "./ops-routes.js";
import { pageRoutes } from "./page-routes.js";
import type { Route } from "./router.js";

/**
 * Every route the dashboard serves.
 *
 * @example
 * ```ts
 * dashboardRoutes(context).map((r) => `${r.method} ${r.path}`);
 * ```
 */
export function dashboardRoutes(context: DashboardContext): Route[] {
  return [...pageRoutes(context), ...apiRoutes(context), ...opsRoutes(context)];
}

/**
 * Serve the dashboard, API and metrics on `address`. A bind beyond
 * loopback without a token is refused before anything listens.
 *
 * @example
 * ```ts
 * const server = await startDashboard({ host: "127.0.0.1", port: 8080 }, undefined, context);
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function startDashboard(
  address: ListenAddress,
  token: string | undefined,
  context: DashboardContext,
): Promise<RunningServer> {
  checkBindable(address, token);
  return serve(address, dashboardRoutes(context), { token, loopbackBind: isLoopback(address.host) }, context.log);
}

/**
 * Refuse a bind beyond loopback without a token (CONFIG_INVALID), so a
 * watch can fail before it starts rather than when it begins to listen.
 *
 * @example
 * ```ts
 * checkBindable({ host: "0.0.0.0", port: 8080 }, undefined); // throws CONFIG_INVALID
 * ```
 */
export function checkBindable(address: ListenAddress, token: string | undefined): void {
  if (isLoopback(address.host) || token !== undefined) return;
  throw new DigestguardError(
    "CONFIG_INVALID",
    `Cannot listen on ${address.host}:${address.port}: it is beyond loopback and no API token is configured; set watch.listen.token or watch.listen.tokenFile (or DIGESTGUARD_API_TOKEN), or listen on 127.0.0.1.`,
  );
}
