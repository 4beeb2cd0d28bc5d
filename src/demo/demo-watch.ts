import { join } from "node:path";
import { SqliteHistoryStore } from "../history/sqlite-history-store.js";
import { deliverDue } from "../watch/deliver-outbox.js";
import type { Notifier } from "../watch/notifiers.js";
import { runCycle } from "../watch/run-cycle.js";
import { readTimeline, renderTimeline } from "../watch/timeline.js";
import type { WatchTarget } from "../watch/watch-targets.js";
import type { DemoWorld } from "./demo-world.js";
import { indent } from "./indent.js";

const TARGET: WatchTarget = {
  reference: "demo.local/demo/base:1.0",
  registry: "demo.local",
  repository: "demo/base",
  tag: "1.0",
  pins: [],
};

/** The two halves of the demo's watch step: a baseline before upstream moves, and the cycle that sees the move. */
export interface DemoWatch {
  baseline(): Promise<void>;
  seeTheMove(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Watch the demo's base tag the way `dg watch --once` does — one cycle
 * before upstream moves it and one after — so the tour shows the move
 * detected, classified, stored in the history and delivered through the
 * outbox to a notifier (here one that prints the notification).
 *
 * @example
 * ```ts
 * const watch = demoWatch(world, write, signal);
 * await watch.baseline(); await world.publishBase("1.1"); await watch.seeTheMove();
 * ```
 */
export function demoWatch(
  world: DemoWorld,
  cli: string,
  write: (text: string) => void,
  signal?: AbortSignal,
): DemoWatch {
  const dbPath = join(world.dir, "history.sqlite");
  const history = SqliteHistoryStore.open(dbPath);
  const notified: string[] = [];
  const printer: Notifier = async (body) => {
    notified.push(`delivery ${body.deliveryId}: ${body.event.kind} ${body.event.reference}`);
  };
  const cycle = () =>
    runCycle({
      targets: [TARGET],
      history,
      openStore: async () => (await world.open(TARGET.reference)).store,
      notifiers: ["demo"],
      log: () => undefined,
      ...(signal ? { signal } : {}),
    });
  return {
    baseline: async () => {
      write(`   watch, first cycle (as "dg watch --once" runs it): records what the tag points to\n`);
      const report = await cycle();
      write(indent(`checked ${report.checked} tag, ${report.events.length} events\n`));
    },
    seeTheMove: async () => {
      write(
        `   $ ${cli} watch --once        (the next cycle: one HEAD, then the new content is read and classified)\n`,
      );
      const report = await cycle();
      for (const event of report.events)
        write(indent(`event ${event.kind}: ${event.reference} ${short(event.from)} -> ${short(event.to)}\n`));
      await deliverDue(history, new Map([["demo", printer]]), {
        backoff: { baseMs: 1000, maxMs: 60_000 },
        log: () => undefined,
      });
      for (const line of notified) write(indent(`notified ${line}\n`));
      write(`   $ ${cli} history --db ${dbPath} ${TARGET.reference}\n`);
      write(indent(renderTimeline(await readTimeline(history, TARGET.reference, {}))));
    },
    close: () => history.close(),
  };
}

function short(digest: string | undefined): string {
  return digest === undefined ? "(none)" : `${digest.slice(0, 19)}…`;
}
