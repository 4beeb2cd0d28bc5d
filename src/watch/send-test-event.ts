import { DigestguardError } from "../errors/error.js";
import type { HistoryStore } from "../history/history-store.js";
import { deliverDue, type OutboxPass } from "./deliver-outbox.js";
import type { WatchLog } from "./watch-log.js";
import type { WatchPlan } from "./watch-plan.js";

/**
 * `dg notify test`: put a `test` event in the outbox for every configured
 * notifier (or the one named) and deliver it now, through the same outbox
 * as real events — so a failure stays pending and is retried like them.
 *
 * @example
 * ```ts
 * const pass = await sendTestEvent(history, plan, { log });
 * ```
 */
export async function sendTestEvent(
  history: HistoryStore,
  plan: Pick<WatchPlan, "notifiers" | "backoff">,
  options: { only?: string; log: WatchLog; signal?: AbortSignal },
): Promise<OutboxPass> {
  const names = [...plan.notifiers.keys()].filter((n) => options.only === undefined || n === options.only);
  if (names.length === 0) {
    throw new DigestguardError(
      "USAGE",
      `Cannot send a test event: ${options.only === undefined ? "no notifiers are configured under watch.notifiers" : `no notifier is named ${options.only}`}.`,
    );
  }
  await history.addEvent(
    {
      kind: "test",
      reference: "digestguard/test",
      at: new Date().toISOString(),
      detail: { message: "a test notification from dg notify test" },
    },
    names,
  );
  return deliverDue(
    history,
    new Map(names.map((n) => [n, plan.notifiers.get(n) as NonNullable<ReturnType<typeof plan.notifiers.get>>])),
    { backoff: plan.backoff, log: options.log, ...(options.signal ? { signal: options.signal } : {}) },
  );
}
