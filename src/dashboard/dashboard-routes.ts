import type { DashboardSource } from "./dashboard-data.js";
import type { WatchLog } from "../watch/watch-log.js";
import type { WatchMetrics } from "./metrics.js";

/** Everything the routes need: the data, the watch's actions, readiness and metrics. */
export interface DashboardContext extends DashboardSource {
  metrics: WatchMetrics;
  /** Whether the first cycle is done (or the config is loaded): /readyz. */
  ready(): boolean;
  /** Start a cycle now. */
  checkNow(): Promise<void>;
  /** Grows whenever the watch records something, so cached lists start afresh; absent: never. */
  generation?(): number;
  /** Send one pending delivery now; true when delivered. */
  retryDelivery(id: string): Promise<boolean>;
  /** The watch log: a request that fails unexpectedly is written here. */
  log: WatchLog;
}
