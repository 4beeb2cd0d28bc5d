import { join } from "node:path";
import type { DashboardContext } from "../../src/dashboard/dashboard-routes.js";
import { watchMetrics } from "../../src/dashboard/metrics.js";
import { startDashboard } from "../../src/dashboard/start-dashboard.js";
import { SqliteHistoryStore } from "../../src/history/sqlite-history-store.js";
import type { WatchTarget } from "../../src/watch/watch-targets.js";

/** A dashboard over a fresh SQLite history, with its actions recorded instead of run. */
export interface DashboardFixture {
  url: string;
  history: SqliteHistoryStore;
  context: DashboardContext;
  /** How many times POST /api/v1/checks started a cycle. */
  checksStarted: number;
  stop(): Promise<void>;
}

/**
 * Start a dashboard on a loopback (or the given) address over a history in
 * `folder`; `context` overrides parts of the default context.
 *
 * @example
 * ```ts
 * const dash = await startDashboardFixture(await tempFolder(), { token: "t".repeat(32) });
 * await fetch(`${dash.url}/api/v1/images`);
 * await dash.stop();
 * ```
 */
export async function startDashboardFixture(
  folder: string,
  options: { host?: string; token?: string; targets?: WatchTarget[]; context?: Partial<DashboardContext> } = {},
): Promise<DashboardFixture> {
  const history = SqliteHistoryStore.open(join(folder, "history.sqlite"));
  const fixture = { checksStarted: 0 } as DashboardFixture;
  const context: DashboardContext = {
    history,
    targets: () => options.targets ?? [],
    metrics: watchMetrics(history),
    ready: () => true,
    checkNow: async () => {
      fixture.checksStarted++;
    },
    retryDelivery: async () => true,
    log: () => {},
    ...options.context,
  };
  const server = await startDashboard({ host: options.host ?? "127.0.0.1", port: 0 }, options.token, context).catch(
    async (error: unknown) => {
      await history.close();
      throw error;
    },
  );
  return Object.assign(fixture, {
    url: server.url.replace("0.0.0.0", "127.0.0.1").replace("[::]", "127.0.0.1"),
    history,
    context,
    stop: async () => {
      await server.close();
      await history.close();
    },
  });
}
