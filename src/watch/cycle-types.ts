import type { HistoryStore, StoredEvent } from "../history/history-store.js";
import type { ContentStore } from "../store/content-store.js";
import type { ContentActionHooks } from "./content-actions.js";
import type { PerRegistry } from "./registry-limits.js";
import type { SharedCycle } from "./shared-cycle.js";
import type { WatchAction } from "./watch-actions.js";
import type { WatchLog } from "./watch-log.js";
import type { WatchObserver } from "./watch-observer.js";
import type { WatchTarget } from "./watch-targets.js";

/** What one cycle needs. */
export interface CycleOptions extends ContentActionHooks {
  targets: WatchTarget[];
  history: HistoryStore;
  /** The store a tag is read from: the registry itself, never a mirror. */
  openStore(target: Pick<WatchTarget, "registry" | "repository">): ContentStore | Promise<ContentStore>;
  actions?: Record<string, WatchAction[]>;
  /** Names of the configured notifiers: an event with `notify` goes to each. */
  notifiers: string[];
  perRegistry?: PerRegistry;
  log: WatchLog;
  /** Told of every check and event, for metrics. */
  observer?: WatchObserver;
  now?: () => Date;
  signal?: AbortSignal;
  /**
   * Share the cycle's checks with the other workers on the history's
   * database: each check is a job claimed by one worker, and requests per
   * second hold across workers. Without it this process checks every target.
   */
  shared?: SharedCycle;
}

/** What a cycle did, for the log and `--once --json`. */
export interface CycleReport {
  startedAt: string;
  seconds: number;
  checked: number;
  unchanged: number;
  fetched: number;
  errors: number;
  events: StoredEvent[];
}
