import type { CycleOptions, CycleReport } from "./cycle-types.js";
import { byRegistry } from "./registry-limits.js";
import { checkRegistry } from "./registry-runner.js";

export type { CycleOptions, CycleReport } from "./cycle-types.js";

/**
 * One watch cycle: check every target (registries in parallel, each with
 * its own concurrency and request pace, so one registry down holds up none
 * of the others), run the configured actions on what changed, and record
 * each check — sighting, events and their outbox rows — in one transaction.
 *
 * @example
 * ```ts
 * const report = await runCycle({ targets, history, openStore, notifiers: ["ops"], log });
 * ```
 */
export async function runCycle(options: CycleOptions): Promise<CycleReport> {
  const started = (options.now ?? (() => new Date()))();
  const report: CycleReport = {
    startedAt: started.toISOString(),
    seconds: 0,
    checked: 0,
    unchanged: 0,
    fetched: 0,
    errors: 0,
    events: [],
  };
  const fatal: unknown[] = [];
  const planned =
    options.shared === undefined ||
    (await options.history.planCycle(
      options.shared.cycle,
      options.targets.map((t) => ({ registry: t.registry, reference: t.reference })),
    ));
  await Promise.all(
    [...byRegistry(options.targets)].map(([registry, targets]) =>
      checkRegistry(registry, targets, { options, report, fatal, planned }),
    ),
  );
  if (fatal.length > 0) throw fatal[0];
  report.seconds = (Date.now() - started.getTime()) / 1000;
  return report;
}
