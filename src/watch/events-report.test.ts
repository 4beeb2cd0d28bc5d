import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempFolders } from "../../test/support/temp-folders.js";
import { SqliteHistoryStore } from "../history/sqlite-history-store.js";
import { readEvents, renderEvents } from "./events-report.js";

const tempFolder = tempFolders("events-report");

describe("readEvents --pending", () => {
  it("lists the first --limit deliveries of the outbox and says how many wait in all", async () => {
    const history = SqliteHistoryStore.open(join(await tempFolder(), "h.sqlite"));
    try {
      const notifiers = Array.from({ length: 60 }, (_, i) => `n${i}`);
      const event = await history.addEvent(
        { kind: "test", reference: "test", at: "2026-01-01T00:00:00.000Z" },
        notifiers,
      );
      const all = await history.pendingDeliveries();
      const report = await readEvents(history, { pending: true, limit: 2 });
      assert.deepEqual(
        report.pending?.map((d) => [d.id, d.event?.id]),
        all.slice(0, 2).map((d) => [d.id, event.id]),
      );
      assert.equal(report.pendingTotal, 60);
      assert.match(renderEvents(report), /58 more pending/);
      const byDefault = await readEvents(history, { pending: true });
      assert.equal(byDefault.pending?.length, 50, "the default limit, as for events");
    } finally {
      await history.close();
    }
  });
});
