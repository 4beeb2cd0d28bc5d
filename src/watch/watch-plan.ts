import { Cron } from "croner";
import { DigestguardError } from "../errors/error.js";
import type { WatchSettings } from "../config/config-schema.js";
import { parseRepository } from "../oci/reference.js";
import { tagWatches } from "./new-tags.js";
import { makeNotifier, type Notifier } from "./notifiers.js";
import type { Backoff } from "./deliver-outbox.js";
import type { PerRegistry } from "./registry-limits.js";
import type { WatchAction } from "./watch-actions.js";
import type { WatchTarget } from "./watch-targets.js";

/** Everything a cycle and the outbox need from the config; rebuilt on reload. */
export interface WatchPlan {
  targets: WatchTarget[];
  schedule: string;
  jitterMs: number;
  actions: Record<string, WatchAction[]> | undefined;
  perRegistry: PerRegistry | undefined;
  notifiers: Map<string, Notifier>;
  backoff: Backoff;
  /** `watch.mirror.to`: where the `mirror` action copies new content. */
  mirrorTo: string | undefined;
}

/** Every 15 minutes, unless `watch.schedule` says otherwise. */
export const DEFAULT_SCHEDULE = "*/15 * * * *";

/**
 * Turn the `watch:` settings and the targets found into a plan; notifier
 * settings are checked here, so a bad reload is refused before anything changes.
 *
 * @example
 * ```ts
 * const plan = watchPlan(config.watch, targets);
 * ```
 */
export function watchPlan(
  settings: WatchSettings | undefined,
  targets: WatchTarget[],
  env: NodeJS.ProcessEnv = process.env,
): WatchPlan {
  const notifiers = new Map(
    Object.entries(settings?.notifiers ?? {}).map(([name, s]) => [name, makeNotifier(name, s, env)]),
  );
  // Checked here so a reload naming a bad mirror target or newTags pattern is refused.
  if (settings?.mirror !== undefined) parseRepository(settings.mirror.to);
  tagWatches(targets);
  checkSchedule(settings?.schedule ?? DEFAULT_SCHEDULE);
  return {
    targets,
    schedule: settings?.schedule ?? DEFAULT_SCHEDULE,
    jitterMs: (settings?.jitterSeconds ?? 0) * 1000,
    actions: settings?.actions,
    perRegistry: settings?.perRegistry,
    notifiers,
    backoff: {
      baseMs: (settings?.retry?.baseSeconds ?? 5) * 1000,
      maxMs: (settings?.retry?.maxSeconds ?? 3600) * 1000,
    },
    mirrorTo: settings?.mirror?.to,
  };
}

/**
 * Refuse a `watch.schedule` croner cannot read, before anything runs on it.
 *
 * @example
 * ```ts
 * checkSchedule("*\/15 * * * *"); // fine
 * checkSchedule("hourly"); // throws CONFIG_INVALID
 * ```
 */
export function checkSchedule(pattern: string): void {
  try {
    new Cron(pattern, { paused: true }).stop();
  } catch (error) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot schedule watch: "${pattern}" is not a cron pattern (${(error as Error).message}); use 5 or 6 fields, e.g. "*/15 * * * *".`,
    );
  }
}
