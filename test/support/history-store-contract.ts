import { it } from "node:test";
import assert from "node:assert/strict";
import type { HistoryStore } from "../../src/history/history-store.js";

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const ref = "127.0.0.1:5000/app:1";
const T = (day: number, hour = 0): string => new Date(Date.UTC(2026, 0, day, hour)).toISOString();

/**
 * What every HistoryStore must do, whatever keeps it: call inside a
 * `describe` with a factory that opens a fresh, empty store. Run for SQLite
 * beside the code and for PostgreSQL in test/integration/history-postgres.test.ts.
 *
 * @example
 * ```ts
 * describe("SqliteHistoryStore", () => historyStoreContract(async () => SqliteHistoryStore.open(path())));
 * ```
 */
export function historyStoreContract(open: () => Promise<HistoryStore>): void {
  const using = async (body: (history: HistoryStore) => Promise<void>): Promise<void> => {
    const history = await open();
    try {
      await body(history);
    } finally {
      await history.close();
    }
  };
  const check = (history: HistoryStore, digest: string, at: string) =>
    history.recordCheck({ reference: ref, at, sighting: { digest, platforms: [] }, events: [], notifyTo: () => [] });

  it("extends an observation while the tag stays, starts one when it moves, and answers --at", () =>
    using(async (history) => {
      await check(history, d("a"), T(1));
      await check(history, d("a"), T(2));
      await check(history, d("b"), T(3));
      assert.deepEqual(
        (await history.timeline(ref)).map((o) => [o.digest, o.firstSeen, o.lastSeen]),
        [
          [d("a"), T(1), T(2)],
          [d("b"), T(3), T(3)],
        ],
      );
      assert.equal((await history.observationAt(ref, T(2, 12)))?.digest, d("a"));
      assert.equal((await history.observationAt(ref, T(3)))?.digest, d("b"));
      assert.equal(await history.observationAt(ref, "2025-12-31T00:00:00.000Z"), undefined);
      assert.equal(await history.hasSeen(ref, d("a")), true);
      assert.equal(await history.hasSeen(ref, d("c")), false);
      assert.equal((await history.latest(ref))?.digest, d("b"));
      assert.deepEqual(await history.references(), [ref]);
    }));

  it("keeps platforms and an absent tag as sightings of their own", () =>
    using(async (history) => {
      const platforms = [{ platform: "linux/amd64", digest: d("1") }];
      const at = (h: number) => T(1, h);
      await history.recordCheck({
        reference: ref,
        at: at(1),
        sighting: { digest: d("a"), mediaType: "m", platforms },
        events: [],
        notifyTo: () => [],
      });
      await history.recordCheck({
        reference: ref,
        at: at(2),
        sighting: { digest: d("a"), mediaType: "m", platforms },
        events: [],
        notifyTo: () => [],
      });
      await history.recordCheck({
        reference: ref,
        at: at(3),
        sighting: { platforms: [] },
        events: [],
        notifyTo: () => [],
      });
      const timeline = await history.timeline(ref);
      assert.deepEqual(
        timeline.map((o) => [o.digest, o.mediaType, o.platforms, o.lastSeen]),
        [
          [d("a"), "m", platforms, at(2)],
          [undefined, undefined, [], at(3)],
        ],
      );
    }));

  it("keeps an event's deliveries until each is marked delivered", () =>
    using(async (history) => {
      const [event] = await history.recordCheck({
        reference: ref,
        at: T(1),
        events: [{ kind: "moved", reference: ref, at: T(1), to: d("b"), detail: { platforms: ["linux/amd64"] } }],
        notifyTo: () => ["ops", "chat"],
      });
      assert.deepEqual(await history.event(event?.id as number), event);
      const pending = await history.pendingDeliveries();
      assert.deepEqual(pending.map((p) => [p.eventId, p.notifier]).sort(), [
        [event?.id, "chat"],
        [event?.id, "ops"],
      ]);
      await history.markAttemptFailed(pending[0]?.id as string, "HTTP 500", "2999-01-01T00:00:00.000Z");
      await history.markDelivered(pending[1]?.id as string, T(1, 1));
      assert.equal((await history.pendingDeliveries({ dueAt: T(2) })).length, 0);
      const [left] = await history.pendingDeliveries();
      assert.equal(left?.id, pending[0]?.id);
      assert.equal(left?.attempts, 1);
      assert.equal(left?.lastError, "HTTP 500");
      assert.equal(left?.nextAttemptAt, "2999-01-01T00:00:00.000Z");
    }));

  it("reads a page of the outbox and counts it without reading it", () =>
    using(async (history) => {
      const notifiers = ["n1", "n2", "n3", "n4", "n5"];
      await history.recordCheck({
        reference: ref,
        at: T(1),
        events: [{ kind: "moved", reference: ref, at: T(1), to: d("b") }],
        notifyTo: () => notifiers,
      });
      const all = await history.pendingDeliveries();
      assert.equal(all.length, 5);
      assert.equal(await history.pendingDeliveryCount(), 5);
      assert.deepEqual(await history.pendingDeliveries({ limit: 2 }), all.slice(0, 2));
      assert.deepEqual(await history.pendingDeliveries({ dueAt: T(2), limit: 3 }), all.slice(0, 3));
      await history.markDelivered(all[0]?.id as string, T(1, 1));
      await history.markAttemptFailed(all[1]?.id as string, "HTTP 500", "2999-01-01T00:00:00.000Z");
      assert.equal(await history.pendingDeliveryCount(), 4, "a failed attempt is still pending");
      assert.deepEqual(
        (await history.pendingDeliveries({ limit: 1 })).map((p) => p.id),
        [all[2]?.id],
        "the page is the earliest due first",
      );
    }));

  it("finds one pending delivery by its id, and none once it is delivered", () =>
    using(async (history) => {
      await history.recordCheck({
        reference: ref,
        at: T(1),
        events: [{ kind: "moved", reference: ref, at: T(1), to: d("b") }],
        notifyTo: () => ["ops", "chat"],
      });
      const [one, other] = await history.pendingDeliveries();
      assert.deepEqual(await history.pendingDelivery(other?.id as string), other);
      await history.markDelivered(one?.id as string, T(1, 1));
      assert.equal(await history.pendingDelivery(one?.id as string), undefined);
      assert.equal(await history.pendingDelivery("no-such-id"), undefined);
    }));

  it("lists events newest first, by reference and with a limit, and keeps standalone events", () =>
    using(async (history) => {
      const other = "127.0.0.1:5000/other:1";
      await history.recordCheck({
        reference: ref,
        at: T(1),
        events: [{ kind: "moved", reference: ref, at: T(1) }],
        notifyTo: () => [],
      });
      await history.recordCheck({
        reference: other,
        at: T(2),
        events: [{ kind: "tag-deleted", reference: other, at: T(2) }],
        notifyTo: () => [],
      });
      const test = await history.addEvent({ kind: "test", reference: "test", at: T(3) }, ["ops"]);
      assert.deepEqual(
        (await history.events()).map((e) => e.kind),
        ["test", "tag-deleted", "moved"],
      );
      assert.deepEqual(
        (await history.events({ limit: 1 })).map((e) => e.id),
        [test.id],
      );
      assert.deepEqual(
        (await history.events({ reference: other })).map((e) => e.reference),
        [other],
      );
      assert.deepEqual(
        (await history.pendingDeliveries()).map((p) => p.eventId),
        [test.id],
      );
    }));

  it("replaces open conditions and remembers known tags", () =>
    using(async (history) => {
      const record = (conditions: string[]) =>
        history.recordCheck({ reference: ref, at: T(1), events: [], notifyTo: () => [], conditions });
      await record(["pin-vanished", "check-error"]);
      assert.deepEqual([...(await history.openConditions(ref))].sort(), ["check-error", "pin-vanished"]);
      await record(["check-error"]);
      assert.deepEqual([...(await history.openConditions(ref))], ["check-error"]);
      await record([]);
      assert.equal((await history.openConditions(ref)).size, 0);
      const repo = "127.0.0.1:5000/app";
      assert.equal((await history.knownTags(repo)).size, 0);
      const stored = await history.recordTags({
        repository: repo,
        at: T(1),
        tags: ["1", "2"],
        events: [{ kind: "new-tag", reference: `${repo}:2`, at: T(1) }],
        notifyTo: () => ["ops"],
      });
      await history.recordTags({ repository: repo, at: T(2), tags: ["2", "3"], events: [], notifyTo: () => [] });
      assert.deepEqual([...(await history.knownTags(repo))].sort(), ["1", "2", "3"]);
      assert.deepEqual(
        stored.map((e) => e.kind),
        ["new-tag"],
      );
    }));

  it("hands each of a cycle's jobs out once, and records who checked what", () =>
    using(async (history) => {
      const cycle = T(5);
      const jobs = ["a", "b", "c"].map((t) => ({ registry: "r", reference: `r/app:${t}` }));
      assert.equal(await history.planCycle(cycle, jobs), true);
      assert.equal(await history.planCycle(cycle, jobs), false, "a second worker's plan adds nothing");
      const claim = (worker: string) => history.claimJobs({ cycle, registry: "r", worker, limit: 2, leaseMs: 60_000 });
      const first = await claim("w1");
      const second = await claim("w2");
      assert.equal(first.length, 2);
      assert.deepEqual(
        [...first, ...second].sort(),
        jobs.map((j) => j.reference),
      );
      assert.deepEqual(await claim("w3"), []);
      for (const reference of first) {
        await history.recordCheck({
          reference,
          at: T(5, 1),
          sighting: { digest: d("a"), platforms: [] },
          events: [],
          notifyTo: () => [],
          worker: "w1",
          job: { cycle, reference },
        });
      }
      assert.deepEqual(
        await history.workerChecks(),
        first.map((reference) => ({ reference, worker: "w1", at: T(5, 1) })),
      );
      const due = await history.claimDeliveries({ dueAt: T(9), worker: "w1", leaseMs: 60_000 });
      assert.deepEqual(due, []);
    }));

  it("marks a job done without a check, once, so a sync pass's image goes to one worker", () =>
    using(async (history) => {
      const cycle = `sync:${T(6)}`;
      const jobs = ["x", "y"].map((name) => ({ registry: "sync", reference: `0:${name}` }));
      assert.equal(await history.planCycle(cycle, jobs), true);
      const claimed = await history.claimJobs({ cycle, registry: "sync", worker: "w1", limit: 5, leaseMs: 60_000 });
      assert.deepEqual(claimed, ["0:x", "0:y"]);
      assert.equal(await history.finishJob({ cycle, reference: "0:x" }, "w1"), true);
      assert.equal(await history.finishJob({ cycle, reference: "0:x" }, "w2"), false, "a job is done once");
      assert.equal(await history.finishJob({ cycle, reference: "0:y" }, "w1"), true);
      assert.equal(await history.jobsLeft(cycle, "sync"), 0);
      assert.deepEqual(await history.claimJobs({ cycle, registry: "sync", worker: "w2", limit: 5, leaseMs: 1 }), []);
    }));

  it("summarises every reference with its newest observation and newest event in one read", () =>
    using(async (history) => {
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
      await history.addEvent(
        { kind: "new-tag", reference: "127.0.0.1:5000/app:3", at: "2026-01-04T00:00:00.000Z" },
        [],
      );
      const summaries = await history.referenceSummaries();
      assert.deepEqual(
        summaries.map((s) => [s.reference, s.latest?.digest, s.lastEvent?.kind]),
        [
          [ref, d("b"), "check-error"],
          [other, d("c"), undefined],
          ["127.0.0.1:5000/app:3", undefined, "new-tag"],
        ],
      );
    }));
}
