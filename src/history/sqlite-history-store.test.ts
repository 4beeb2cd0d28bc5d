import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";
import { tempFolders } from "../../test/support/temp-folders.js";
import { isCode } from "../errors/predicates.js";
import { historyStoreContract } from "../../test/support/history-store-contract.js";
import { SqliteHistoryStore } from "./sqlite-history-store.js";
import { MIGRATIONS } from "./sqlite-migrations.js";

const tempFolder = tempFolders("history");
const d = (c: string): string => `sha256:${c.repeat(64)}`;
const ref = "127.0.0.1:5000/app:1";

describe("SqliteHistoryStore: the HistoryStore contract", () => {
  historyStoreContract(async () => SqliteHistoryStore.open(join(await tempFolder(), "h.sqlite")));
});

describe("SqliteHistoryStore", () => {
  it("refuses a database from a newer schema instead of resetting it", async () => {
    const path = join(await tempFolder(), "h.sqlite");
    const db = new Database(path);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    assert.throws(
      () => SqliteHistoryStore.open(path),
      (e) => isCode(e, "HISTORY_TOO_NEW") && /newer than this digestguard knows/.test(e.message),
    );
  });

  it("refuses a file that is not a SQLite database, and leaves it as it was", async () => {
    const path = join(await tempFolder(), "h.sqlite");
    await writeFile(path, "not a database at all, but somebody's notes ".repeat(200));
    assert.throws(
      () => SqliteHistoryStore.open(path),
      (e) => isCode(e, "HISTORY_INVALID") && /move it aside/.test(e.message),
    );
    const { readFile } = await import("node:fs/promises");
    assert.match(await readFile(path, "utf8"), /^not a database/);
  });

  it("says the database is locked when another process holds a write lock", async () => {
    const path = join(await tempFolder(), "h.sqlite");
    const first = SqliteHistoryStore.open(path);
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    const second = SqliteHistoryStore.open(path, { busyTimeoutMs: 50 });
    await assert.rejects(
      second.recordCheck({
        reference: ref,
        at: "2026-01-01T00:00:00.000Z",
        sighting: { digest: d("a"), platforms: [] },
        events: [],
        notifyTo: () => [],
      }),
      (e) => isCode(e, "HISTORY_BUSY"),
    );
    other.exec("ROLLBACK");
    other.close();
    await second.close();
    await first.close();
  });
});
