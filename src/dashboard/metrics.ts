import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { HistoryStore } from "../history/history-store.js";
import type { WatchObserver } from "../watch/watch-observer.js";

/** The watch's Prometheus metrics: an observer for the watch, a hook for registry answers, and the scrape. */
export interface WatchMetrics {
  observer: WatchObserver;
  /** Count one registry answer (wire it to the registry client's `onResponse`). */
  registryResponse(registry: string, status: number): void;
  /** The exposition text and its content type. */
  scrape(): Promise<{ text: string; contentType: string }>;
}

/**
 * Metrics on their own prom-client Registry (never the global one, so two
 * watches in one process, or a test, never share counters):
 * `digestguard_watch_checks_total{result}`, `…_events_total{kind}`,
 * `…_registry_requests_total{registry,status}`, `…_errors_total{code}`,
 * `…_rate_limit_remaining{registry}`, `…_outbox_pending` (counted in the
 * history at each scrape) and `…_cycle_duration_seconds` (a histogram).
 *
 * @example
 * ```ts
 * const metrics = watchMetrics(history);
 * await startWatch({ ...options, observer: metrics.observer });
 * ```
 */
export function watchMetrics(history: HistoryStore): WatchMetrics {
  const registry = new Registry();
  const name = (n: string): string => `digestguard_watch_${n}`;
  const checks = new Counter({
    name: name("checks_total"),
    help: "Tag checks by result (unchanged, changed, error).",
    labelNames: ["result"],
    registers: [registry],
  });
  const events = new Counter({
    name: name("events_total"),
    help: "Events recorded, by kind.",
    labelNames: ["kind"],
    registers: [registry],
  });
  const requests = new Counter({
    name: name("registry_requests_total"),
    help: "Registry answers by registry and HTTP status.",
    labelNames: ["registry", "status"],
    registers: [registry],
  });
  const errors = new Counter({
    name: name("errors_total"),
    help: "Check errors and failed watch steps, by error code.",
    labelNames: ["code"],
    registers: [registry],
  });
  const remaining = new Gauge({
    name: name("rate_limit_remaining"),
    help: "Pulls a registry last said are left of its rate limit.",
    labelNames: ["registry"],
    registers: [registry],
  });
  const cycle = new Histogram({
    name: name("cycle_duration_seconds"),
    help: "How long each watch cycle took.",
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers: [registry],
  });
  new Gauge({
    name: name("outbox_pending"),
    help: "Notifications waiting in the outbox (undelivered).",
    registers: [registry],
    async collect() {
      this.set(await history.pendingDeliveryCount());
    },
  });
  const observer: WatchObserver = {
    checked: (_registry, outcome) => checks.inc({ result: outcome }),
    recorded: (event) => {
      events.inc({ kind: event.kind });
      if (event.kind === "check-error") errors.inc({ code: String(event.detail?.["code"] ?? "INTERNAL") });
    },
    rateLimit: (host, left) => remaining.set({ registry: host }, left),
    cycleDone: (seconds) => cycle.observe(seconds),
    failed: (code) => errors.inc({ code }),
  };
  return {
    observer,
    registryResponse: (host, status) => requests.inc({ registry: host, status: String(status) }),
    scrape: async () => ({ text: await registry.metrics(), contentType: registry.contentType }),
  };
}
