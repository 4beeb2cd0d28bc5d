import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isCode } from "../errors/predicates.js";
import type { HistoryStore } from "../history/history-store.js";
import { retryDelivery } from "./deliver-outbox.js";

describe("retryDelivery", () => {
  it("looks the delivery up by its id instead of reading the whole outbox", async () => {
    const history = {
      pendingDelivery: async () => undefined,
      pendingDeliveries: async () => assert.fail("a retry read the whole outbox"),
    } as unknown as HistoryStore;
    await assert.rejects(
      retryDelivery(history, new Map(), "d1", { backoff: { baseMs: 1, maxMs: 1 }, log: () => {} }),
      (e) => isCode(e, "NOT_FOUND"),
    );
  });
});
