import { Cron } from "croner";
import type { DigestguardError } from "../errors/error.js";
import { isAborted } from "../errors/predicates.js";
import type { HistoryStore } from "../history/history-store.js";
import type { ContentStore } from "../store/content-store.js";
import { deliverDue, type OutboxOptions, retryDelivery } from "./deliver-outbox.js";
import { mirrorTo } from "./mirror-action.js";
import { runCycle, type CycleReport } from "./run-cycle.js";
import { cycleTick, onceCycle, type SharedCycle } from "./shared-cycle.js";
import type { ContentActionHooks } from "./content-actions.js";
import type { WatchLog } from "./watch-log.js";
import type { WatchObserver } from "./watch-observer.js";
import { checkSchedule, type WatchPlan } from "./watch-plan.js";
import type { WatchTarget } from "./watch-targets.js";

/** What the service needs; `plan()` is called at start and on every reload. */
export interface WatchServiceOptions extends ContentActionHooks {
  plan: () => Promise<WatchPlan>;
  history: HistoryStore;
  openStore(target: Pick<WatchTarget, "registry" | "repository">): ContentStore | Promise<ContentStore>;
  log: WatchLog;
  /** Requests sent so far by the registry client, logged per cycle. */
  requestCount?: () => number;
  /** Told of checks, events and cycles (the dashboard's metrics). */
  observer?: WatchObserver;
  signal: AbortSignal;
  /**
   * This worker's name and lease: cycles are then shared with the other
   * workers on the history's database (each check done by one of them).
   */
  worker?: { id: string; leaseMs: number };
}

/** A running watch: reload its config, or wait for it to stop (when `signal` fires). */
export interface RunningWatch {
  /** Re-read the config; a bad one is refused and the old plan kept. Never overlaps a cycle's use of the plan. */
  reload(): Promise<boolean>;
  /** Run a cycle now (after the one in flight, if any); resolves when it is done. */
  checkNow(): Promise<void>;
  /** Send one pending delivery now; true when delivered. Rejects NOT_FOUND for an unknown id. */
  retryDelivery(id: string): Promise<boolean>;
  /** The plan in use (it changes on reload). */
  plan(): WatchPlan;
  done: Promise<void>;
}

/**
 * One cycle, then the outbox: what `dg watch --once` runs.
 *
 * @example
 * ```ts
 * const report = await watchOnce(plan, { history, openStore, log, signal });
 * ```
 */
export async function watchOnce(
  plan: WatchPlan,
  options: Omit<WatchServiceOptions, "plan">,
  cycle: string = onceCycle(),
): Promise<CycleReport> {
  const before = options.requestCount?.() ?? 0;
  const shared: SharedCycle | undefined =
    options.worker === undefined ? undefined : { cycle, worker: options.worker.id, leaseMs: options.worker.leaseMs };
  const report = await runCycle({
    targets: plan.targets,
    history: options.history,
    openStore: options.openStore,
    actions: plan.actions,
    notifiers: [...plan.notifiers.keys()],
    perRegistry: plan.perRegistry,
    log: options.log,
    ...(options.observer ? { observer: options.observer } : {}),
    signal: options.signal,
    ...(shared ? { shared } : {}),
    ...mirrorHook(plan, options),
  });
  options.observer?.cycleDone?.(report.seconds);
  const requests = (options.requestCount?.() ?? 0) - before;
  options.log("info", "cycle done", {
    checked: report.checked,
    unchanged: report.unchanged,
    fetched: report.fetched,
    errors: report.errors,
    events: report.events.length,
    requests,
    seconds: report.seconds,
  });
  await deliverDue(options.history, plan.notifiers, outboxOptions(plan, options));
  return report;
}

function outboxOptions(plan: WatchPlan, options: Omit<WatchServiceOptions, "plan">): OutboxOptions {
  return {
    backoff: plan.backoff,
    log: options.log,
    signal: options.signal,
    ...(options.worker ? { worker: options.worker.id } : {}),
  };
}

// A `mirror` hook given by the caller wins; else `watch.mirror.to` makes one.
function mirrorHook(plan: WatchPlan, options: Omit<WatchServiceOptions, "plan">): ContentActionHooks {
  if (options.mirror !== undefined) return { mirror: options.mirror };
  if (plan.mirrorTo === undefined) return {};
  return { mirror: mirrorTo(plan.mirrorTo, options.openStore, options.log) };
}

/**
 * The long-lived watch: a cycle on the cron schedule (plus up to the
 * configured jitter), never two at once — croner's `protect` skips a tick
 * while a cycle still runs, and a clock jump only moves the next tick. The
 * outbox is retried between cycles. When `signal` fires the schedule stops,
 * the cycle in flight is aborted and awaited, and `done` resolves; the
 * caller closes the history.
 *
 * @example
 * ```ts
 * const watch = await startWatch({ plan, history, openStore, log, signal });
 * process.on("SIGHUP", () => void watch.reload());
 * await watch.done;
 * ```
 */
export async function startWatch(options: WatchServiceOptions): Promise<RunningWatch> {
  let plan = await options.plan();
  let inFlight: Promise<unknown> = Promise.resolve();
  // One step at a time: cycles, outbox passes, reloads and retries never overlap.
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = inFlight.then(work);
    inFlight = run.catch(() => undefined);
    return run;
  };
  const guarded = (work: () => Promise<unknown>): Promise<void> =>
    exclusive(work).then(
      () => undefined,
      (error: unknown) => {
        if (isAborted(error) || options.signal.aborted) return;
        options.observer?.failed?.((error as DigestguardError).code ?? "INTERNAL");
        options.log("error", "watch step failed", {
          error: (error as Error).message,
          code: (error as DigestguardError).code,
        });
      },
    );
  // Named by its tick before the jitter, so every worker names it alike.
  const cycle = async (): Promise<void> => {
    const tick = cycleTick(plan.schedule);
    await sleep(Math.random() * plan.jitterMs, options.signal);
    await watchOnce(plan, options, tick);
  };
  let job = schedule(plan.schedule, () => guarded(cycle));
  const outboxTimer = setInterval(
    () => void guarded(() => deliverDue(options.history, plan.notifiers, outboxOptions(plan, options))),
    Math.min(plan.backoff.baseMs, 5000),
  );
  options.log("info", "watch started", {
    targets: plan.targets.length,
    schedule: plan.schedule,
    next: job.nextRun()?.toISOString(),
  });
  void guarded(cycle);
  const done = new Promise<void>((resolve) => {
    const stop = (): void => {
      job.stop();
      clearInterval(outboxTimer);
      void inFlight.then(() => resolve());
    };
    if (options.signal.aborted) stop();
    else options.signal.addEventListener("abort", stop, { once: true });
  });
  const reload = async (): Promise<boolean> => {
    try {
      const next = await options.plan();
      await guarded(async () => {
        // The new job first: a pattern that does not parse changes nothing.
        const nextJob = schedule(next.schedule, () => guarded(cycle));
        job.stop();
        plan = next;
        job = nextJob;
      });
      options.log("info", "config reloaded", { targets: plan.targets.length, schedule: plan.schedule });
      return true;
    } catch (error) {
      options.log("error", "config reload refused; keeping the running config", { error: (error as Error).message });
      return false;
    }
  };
  return {
    reload,
    done,
    plan: () => plan,
    checkNow: () => guarded(() => watchOnce(plan, options)),
    retryDelivery: (id) =>
      exclusive(() => retryDelivery(options.history, plan.notifiers, id, outboxOptions(plan, options))),
  };
}

function schedule(pattern: string, run: () => Promise<void>): Cron {
  checkSchedule(pattern);
  return new Cron(pattern, { protect: true }, run);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
