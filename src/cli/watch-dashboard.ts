import { dirname } from "node:path";
import type { WatchSettings } from "../config/config-schema.js";
import { loadConfig } from "../config/load-config.js";
import { DigestguardError } from "../errors/error.js";
import type { HistoryStore } from "../history/history-store.js";
import type { WatchLog } from "../watch/watch-log.js";
import type { WatchObserver } from "../watch/watch-observer.js";
import type { RunningWatch } from "../watch/watch-service.js";

/** The dashboard of a long-lived watch: hooks to wire in first, then start and close. */
export interface WatchDashboard {
  observer: WatchObserver;
  onResponse(host: string, status: number): void;
  /** Listen, serving what `running` does. */
  start(running: RunningWatch): Promise<void>;
  close(): Promise<void>;
}

/** What the dashboard of a watch is made from. */
interface DashboardOptions {
  listen: string | undefined;
  once: boolean;
  configPath: string | undefined;
  settings: WatchSettings | undefined;
  history: HistoryStore;
  log: WatchLog;
}

/**
 * Prepare `dg watch --listen` (or `watch.listen.address`): undefined when
 * neither asks for it, so the dashboard's code is loaded only when used.
 * A non-loopback address without a token is refused here, before the watch starts.
 *
 * @example
 * ```ts
 * const dashboard = await watchDashboard({ listen: "127.0.0.1:8080", settings, history, log });
 * ```
 */
export async function watchDashboard(options: DashboardOptions): Promise<WatchDashboard | undefined> {
  if (options.listen === undefined && options.settings?.listen?.address === undefined) return undefined;
  if (options.once)
    throw new DigestguardError(
      "USAGE",
      "Cannot use --listen with --once: the dashboard serves a long-lived watch; drop one.",
    );
  const listen = await listenFor(options);
  if (listen === undefined) return undefined;
  const [{ watchMetrics }, { startDashboard }] = await Promise.all([
    import("../dashboard/metrics.js"),
    import("../dashboard/start-dashboard.js"),
  ]);
  const metrics = watchMetrics(options.history);
  let ready = false;
  let generation = 0;
  let close = async (): Promise<void> => {};
  return {
    observer: {
      ...metrics.observer,
      recorded: (event) => (generation++, metrics.observer.recorded?.(event)),
      // Ready once the first cycle has ended, well or not: the dashboard then has something to show.
      cycleDone: (seconds) => ((ready = true), generation++, metrics.observer.cycleDone?.(seconds)),
      failed: (code) => ((ready = true), metrics.observer.failed?.(code)),
    },
    onResponse: metrics.registryResponse,
    async start(running) {
      const server = await startDashboard(listen.address, listen.token, {
        history: options.history,
        targets: () => running.plan().targets,
        metrics,
        ready: () => ready,
        generation: () => generation,
        checkNow: () => running.checkNow(),
        retryDelivery: (id) => running.retryDelivery(id),
        log: options.log,
      });
      close = server.close;
      options.log("info", "dashboard listening", { url: server.url, token: listen.token !== undefined });
    },
    close: () => close(),
  };
}

// Where to listen and with what token; a bind beyond loopback without one is refused here.
async function listenFor(options: DashboardOptions) {
  const [{ listenSettings }, { checkBindable }] = await Promise.all([
    import("../dashboard/listen-settings.js"),
    import("../dashboard/start-dashboard.js"),
  ]);
  const { path } = await loadConfig(options.configPath ? { path: options.configPath } : {});
  const listen = await listenSettings({
    flag: options.listen,
    settings: options.settings,
    env: process.env,
    baseDir: path === undefined ? process.cwd() : dirname(path),
  });
  if (listen !== undefined) checkBindable(listen.address, listen.token);
  return listen;
}
