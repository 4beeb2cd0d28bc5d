import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";
import { tempFolders } from "../../test/support/temp-folders.js";
import { isCode } from "../errors/predicates.js";
import { SqliteHistoryStore } from "./sqlite-history-store.js";
import { MIGRATIONS } from "./sqlite-migrations.js";

const tempFolder = tempFolders("history");
const d = (c: string): string => `sha256:${c.repeat(64)}`;
const ref = "127.0.0.1:5000/app:1";

describe("SqliteHistoryStore", () => {
  it("extends an observation while the tag stays, starts one when it moves, and answers --at", async () => {
    const history = SqliteHistoryStore.open(join(await tempFolder(), "h.sqlite"));
    const record = (digest: string, at: string) =>
      history.recordCheck({ reference: ref, at, sighting: { digest, platforms: [] }, events: [], notifyTo: () => [] });
    await record(d("a"), "2026-01-01T00:00:00.000Z");
    await record(d("a"), "2026-01-02T00:00:00.000Z");
    await record(d("b"), "2026-01-03T00:00:00.000Z");
    const timeline = await history.timeline(ref);
    assert.deepEqual(
      timeline.map((o) => [o.digest, o.firstSeen, o.lastSeen]),
      [
        [d("a"), "2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"],
        [d("b"), "2026-01-03T00:00:00.000Z", "2026-01-03T00:00:00.000Z"],
      ],
    );
    assert.equal((await history.observationAt(ref, "2026-01-02T12:00:00.000Z"))?.digest, d("a"));
    assert.equal(await history.observationAt(ref, "2025-12-31T00:00:00.000Z"), undefined);
    assert.equal(await history.hasSeen(ref, d("a")), true);
    await history.close();
  });

  it("keeps an event's deliveries until each is marked delivered", async () => {
    const history = SqliteHistoryStore.open(join(await tempFolder(), "h.sqlite"));
    const [event] = await history.recordCheck({
      reference: ref,
      at: "2026-01-01T00:00:00.000Z",
      events: [{ kind: "moved", reference: ref, at: "2026-01-01T00:00:00.000Z", to: d("b") }],
      notifyTo: () => ["ops", "chat"],
    });
    const pending = await history.pendingDeliveries();
    assert.deepEqual(pending.map((p) => [p.eventId, p.notifier]).sort(), [
      [event?.id, "chat"],
      [event?.id, "ops"],
    ]);
    await history.markAttemptFailed(pending[0]?.id as string, "HTTP 500", "2999-01-01T00:00:00.000Z");
    await history.markDelivered(pending[1]?.id as string, "2026-01-01T00:00:01.000Z");
    assert.equal((await history.pendingDeliveries({ dueAt: "2026-01-02T00:00:00.000Z" })).length, 0);
    const [left] = await history.pendingDeliveries();
    assert.equal(left?.id, pending[0]?.id);
    assert.equal(left?.attempts, 1);
    assert.equal(left?.lastError, "HTTP 500");
    await history.close();
  });

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

  it("summarises every reference with its newest observation and newest event in one read", async () => {
    const history = SqliteHistoryStore.open(join(await tempFolder(), "h.sqlite"));
    const other = "127.0.0.1:5000/app:2";
    const record = (reference: string, digest: string | undefined, at: string, kinds: string[] = []) =>
      history.recordCheck({
        reference,
        at,
        ...(digest === undefined ? {} : { sighting: { digest, platforms: [] } }),
        events: kinds.map((kind) => ({ kind: kind as "moved", reference, at })),
        notifyTo: () => [],
      });
    await record(ref, d("a"), "2026-01-01T00:00:00.000Z");
    await record(ref, d("b"), "2026-01-02T00:00:00.000Z", ["moved"]);
    await record(ref, undefined, "2026-01-03T00:00:00.000Z", ["check-error"]);
    await record(other, d("c"), "2026-01-01T00:00:00.000Z");
    await history.addEvent({ kind: "new-tag", reference: "127.0.0.1:5000/app:3", at: "2026-01-04T00:00:00.000Z" }, []);
    const summaries = await history.referenceSummaries();
    assert.deepEqual(
      summaries.map((s) => [s.reference, s.latest?.digest, s.lastEvent?.kind]),
      [
        [ref, d("b"), "check-error"],
        [other, d("c"), undefined],
        ["127.0.0.1:5000/app:3", undefined, "new-tag"],
      ],
    );
    await history.close();
  });
});
