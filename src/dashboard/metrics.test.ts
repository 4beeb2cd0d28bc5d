import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { HistoryStore } from "../history/history-store.js";
import { watchMetrics } from "./metrics.js";

describe("watchMetrics", () => {
  it("counts the outbox for outbox_pending without reading its deliveries", async () => {
    // A notifier outage of days leaves thousands pending: a scrape must not read every one.
    const history = {
      pendingDeliveryCount: async () => 5000,
      pendingDeliveries: async () => assert.fail("a scrape read the whole outbox"),
    } as unknown as HistoryStore;
    const { text } = await watchMetrics(history).scrape();
    assert.match(text, /^digestguard_watch_outbox_pending 5000$/m);
  });
});
