import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempFolders } from "../../test/support/temp-folders.js";
import { SqliteHistoryStore } from "../history/sqlite-history-store.js";
import type { ContentStore } from "../store/content-store.js";
import { checkNewTags } from "./new-tags.js";

const tempFolder = tempFolders("new-tags");
const watch = { registry: "127.0.0.1:5000", repository: "team/lib", filters: [/^1\./] };
const listing = (tags: string[]) => ({ listTags: async () => tags }) as unknown as ContentStore;

describe("checkNewTags", () => {
  it("raises at most 100 new-tag events a cycle, says how many more, and remembers every tag", async () => {
    const history = SqliteHistoryStore.open(join(await tempFolder(), "h.sqlite"));
    try {
      const check = (tags: string[], at: string) =>
        checkNewTags(watch, { store: listing(tags), history, at, notifyTo: () => ["ops"] });
      await check(["1.0"], "2026-01-01T00:00:00.000Z");
      const flood = ["1.0", "dev", ...Array.from({ length: 2500 }, (_, i) => `1.${i + 1}`)];
      const stored = await check(flood, "2026-01-01T00:15:00.000Z");
      assert.equal(stored.length, 100);
      assert.ok(stored.every((e) => e.kind === "new-tag"));
      assert.deepEqual(
        stored.slice(0, 2).map((e) => e.reference),
        ["127.0.0.1:5000/team/lib:1.1", "127.0.0.1:5000/team/lib:1.2"],
      );
      assert.equal(stored.at(-1)?.detail?.["more"], 2400, "the last event counts the tags not raised");
      assert.match(String(stored.at(-1)?.detail?.["message"]), /2400 more new tags/);
      assert.equal(await history.pendingDeliveryCount(), 100, "one notification per raised event");
      assert.equal((await history.knownTags("127.0.0.1:5000/team/lib")).size, 2502);
      assert.deepEqual(await check(flood, "2026-01-01T00:30:00.000Z"), [], "no tag is reported again");
    } finally {
      await history.close();
    }
  });
});
