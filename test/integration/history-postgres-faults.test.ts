import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { isCode } from "../../src/errors/predicates.js";
import { copyHistory } from "../../src/history/copy-history.js";
import { jobFeed } from "../../src/history/job-feed.js";
import { PostgresHistoryStore } from "../../src/history/postgres-history-store.js";
import { SqliteHistoryStore } from "../../src/history/sqlite-history-store.js";
import { deliverDue } from "../../src/watch/deliver-outbox.js";
import type { Notifier } from "../../src/watch/notifiers.js";
import { postgresSkipReason, startPostgres, type RunningPostgres } from "../support/postgres.js";
import { runCliBounded } from "../support/run-cli-bounded.js";
import { tempFolders } from "../support/temp-folders.js";

// A PostgreSQL history in an unlucky or hostile operator environment: a
// server that accepts and never answers, a table another session keeps
// locked. The CLI must give up with a clear error, never wait forever.

const HANG_LIMIT_MS = 90_000;
const tempFolder = tempFolders("history-postgres-faults");

/** A SQLite history holding the tags `tags` of `repository`, and with `reference` one observation of it. */
async function sqliteHistory(repository: string, tags: string[], reference?: string): Promise<string> {
  const path = join(await tempFolder(), "h.sqlite");
  const sqlite = SqliteHistoryStore.open(path);
  const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
  if (reference !== undefined)
    await sqlite.recordCheck({
      reference,
      at,
      sighting: { digest: `sha256:${"a".repeat(64)}`, platforms: [] },
      events: [],
      notifyTo: () => [],
    });
  await sqlite.recordTags({ repository, at, tags, events: [], notifyTo: () => [] });
  await sqlite.close();
  return `sqlite:${path}`;
}

describe("a PostgreSQL history that does not answer", { skip: postgresSkipReason() }, () => {
  let cluster: RunningPostgres;
  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    await cluster?.stop();
  });

  it("gives up on a server that accepts the connection and never answers: HISTORY_UNAVAILABLE, exit 5", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const run = await runCliBounded(["db", "status", "--db", `postgres://dg:Sil3nt@127.0.0.1:${port}/dg`], {
        limitMs: HANG_LIMIT_MS,
      });
      assert.equal(run.hung, false, "the connection attempt is bounded");
      assert.equal(run.exitCode, 5, run.stderr);
      assert.match(run.stderr, /HISTORY_UNAVAILABLE/);
      assert.doesNotMatch(run.stderr, /Sil3nt/);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it("gives up on a table another session keeps locked: HISTORY_BUSY, not a hang", async () => {
    const url = await cluster.createDatabase();
    const migrated = await runCliBounded(["db", "migrate", "--db", url], { limitMs: HANG_LIMIT_MS });
    assert.equal(migrated.exitCode, 0, migrated.stderr);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE observations IN ACCESS EXCLUSIVE MODE");
      const run = await runCliBounded(["db", "status", "--db", url], { limitMs: HANG_LIMIT_MS });
      assert.equal(run.hung, false, "waiting for a lock is bounded");
      assert.match(run.stderr, /HISTORY_BUSY/);
      assert.match(run.stderr, /try again/);
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
  });

  it("copies into an empty target once even when two copies start together: the later is refused, nothing is merged", async () => {
    const url = await cluster.createDatabase();
    await (await PostgresHistoryStore.open(url)).close();
    const [first, second] = [await sqliteHistory("r/a", ["1"], "r/a:1"), await sqliteHistory("r/b", ["2"])];
    // Another session holds known_tags still, so both copies are under way at the same time.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE known_tags IN SHARE MODE");
    const copies = [copyHistory(first, url)];
    await sleep(500);
    copies.push(copyHistory(second, url));
    await sleep(500);
    await holder.query("ROLLBACK");
    await holder.end();
    const [a, b] = await Promise.allSettled(copies);
    assert.equal(a?.status, "fulfilled", String((a as PromiseRejectedResult).reason));
    assert.ok(b?.status === "rejected" && isCode(b.reason, "USAGE"), "the second copy finds the first's rows");
    const target = await PostgresHistoryStore.open(url);
    assert.deepEqual([...(await target.knownTags("r/b"))], [], "nothing of the refused copy");
    assert.deepEqual([...(await target.knownTags("r/a"))], ["1"]);
    await target.close();
  });

  it("sends each delivery once when a worker's claimed batch outlasts its lease", async () => {
    const url = await cluster.createDatabase();
    const [a, b] = [await PostgresHistoryStore.open(url), await PostgresHistoryStore.open(url)];
    const at = new Date(Date.now() - 60_000).toISOString();
    for (let n = 0; n < 4; n++) await a.addEvent({ kind: "moved", reference: `r/app:${n}`, at }, ["ops"]);
    const sent: string[] = [];
    let firstSend: () => void = () => {};
    const started = new Promise<void>((resolve) => (firstSend = resolve));
    // A slow receiver: worker a's four sends take longer than its 200 ms lease.
    const slow: Notifier = async (body) => {
      firstSend();
      sent.push(body.deliveryId);
      await sleep(150);
    };
    const fast: Notifier = async (body) => void sent.push(body.deliveryId);
    const options = (worker: string) => ({
      backoff: { baseMs: 60_000, maxMs: 60_000 },
      log: () => {},
      worker,
      leaseMs: 200,
    });
    const passA = deliverDue(a, new Map([["ops", slow]]), options("a"));
    await started;
    await sleep(300);
    await deliverDue(b, new Map([["ops", fast]]), options("b"));
    await passA;
    assert.equal(sent.length, new Set(sent).size, `a delivery was sent twice: ${sent.join(", ")}`);
    assert.equal(await a.pendingDeliveryCount(), 0);
    await Promise.all([a.close(), b.close()]);
  });

  it("tells the feed which checks were given up after their workers died three times", async () => {
    const history = await PostgresHistoryStore.open(await cluster.createDatabase());
    const cycle = new Date(Date.UTC(2026, 0, 1)).toISOString();
    await history.planCycle(cycle, [
      { registry: "r", reference: "r/poison:1" },
      { registry: "r", reference: "r/fine:1" },
    ]);
    await history.finishJob({ cycle, reference: "r/fine:1" }, "w0");
    for (const worker of ["dead1", "dead2", "dead3"]) {
      assert.deepEqual(await history.claimJobs({ cycle, registry: "r", worker, limit: 10, leaseMs: 1 }), [
        "r/poison:1",
      ]);
      await sleep(20);
    }
    const givenUp: string[][] = [];
    const next = jobFeed({
      history,
      cycle,
      registry: "r",
      worker: "w4",
      leaseMs: 1000,
      batchSize: 10,
      onGivenUp: (references) => givenUp.push(references),
    });
    assert.equal(await next(), undefined, "the cycle ends");
    assert.deepEqual(givenUp, [["r/poison:1"]]);
    await history.close();
  });

  it("records a failed delivery whose error text holds a NUL byte (a notifier command's binary stderr)", async () => {
    const history = await PostgresHistoryStore.open(await cluster.createDatabase());
    await history.addEvent({ kind: "moved", reference: "r/app:1", at: new Date().toISOString() }, ["ops"]);
    const [delivery] = await history.pendingDeliveries();
    const later = new Date(Date.now() + 60_000).toISOString();
    await history.markAttemptFailed(delivery?.id as string, "the command exited 1 (\u0000\u0001PNG)", later);
    const [failed] = await history.pendingDeliveries();
    assert.equal(failed?.attempts, 1, "the attempt is counted, so its backoff applies");
    assert.match(failed?.lastError ?? "", /exited 1 \(\uFFFD\u0001PNG\)/);
    await history.close();
  });
});
