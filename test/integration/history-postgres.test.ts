import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { isCode } from "../../src/errors/predicates.js";
import { historyStoreContract } from "../support/history-store-contract.js";
import { PostgresHistoryStore } from "../../src/history/postgres-history-store.js";
import { POSTGRES_MIGRATIONS } from "../../src/history/postgres-migrations.js";
import { postgresSkipReason, startPostgres, type RunningPostgres } from "../support/postgres.js";

// The storage contract and the work-sharing guarantees against a real
// PostgreSQL, started by the harness in a temporary folder for this file.

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const T = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

describe("PostgresHistoryStore", { skip: postgresSkipReason() }, () => {
  let cluster: RunningPostgres;
  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    await cluster?.stop();
  });
  const fresh = async () => PostgresHistoryStore.open(await cluster.createDatabase());

  describe("the HistoryStore contract", () => historyStoreContract(fresh));

  it("migrates once when several workers open a new database at the same moment", async () => {
    const url = await cluster.createDatabase();
    const stores = await Promise.all(Array.from({ length: 5 }, () => PostgresHistoryStore.open(url)));
    await Promise.all(stores.map((s) => s.close()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query("SELECT version FROM schema_migrations ORDER BY version");
    await client.end();
    assert.deepEqual(
      rows.map((r) => r.version),
      POSTGRES_MIGRATIONS.map((_, i) => i + 1),
    );
  });

  it("refuses a database from a newer schema", async () => {
    const url = await cluster.createDatabase();
    await (await PostgresHistoryStore.open(url)).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [POSTGRES_MIGRATIONS.length + 1]);
    await client.end();
    await assert.rejects(PostgresHistoryStore.open(url), (e) => isCode(e, "HISTORY_TOO_NEW"));
  });

  it("gives a job whose worker died to another after the lease, and records the check once", async () => {
    const history = await fresh();
    const cycle = T(15);
    await history.planCycle(cycle, [{ registry: "r", reference: "r/a:1" }]);
    const claim = (worker: string, leaseMs: number) =>
      history.claimJobs({ cycle, registry: "r", worker, limit: 10, leaseMs });
    assert.deepEqual(await claim("dead", 200), ["r/a:1"]);
    assert.deepEqual(await claim("alive", 60_000), [], "leased");
    assert.equal(await history.jobsLeft(cycle, "r"), 1);
    await sleep(300);
    assert.deepEqual(await claim("alive", 60_000), ["r/a:1"], "the lease ran out");
    const record = (worker: string) =>
      history.recordCheck({
        reference: "r/a:1",
        at: T(16),
        sighting: { digest: d("b"), platforms: [] },
        events: [{ kind: "moved", reference: "r/a:1", at: T(16), to: d("b") }],
        notifyTo: () => ["ops"],
        worker,
        job: { cycle, reference: "r/a:1" },
      });
    assert.equal((await record("alive")).length, 1);
    assert.deepEqual(await record("dead"), [], "the late worker's check is not recorded again");
    assert.equal((await history.events()).length, 1);
    assert.equal(await history.jobsLeft(cycle, "r"), 0);
    assert.deepEqual(
      (await history.workerChecks()).map((c) => c.worker),
      ["alive"],
    );
    await history.close();
  });

  it("records an unchanged check once per job, even when a late worker repeats it", async () => {
    const history = await fresh();
    const reference = "r/a:1";
    const sighting = { digest: d("a"), platforms: [] };
    await history.recordCheck({ reference, at: T(1), sighting, events: [], notifyTo: () => [] });
    await history.planCycle(T(15), [{ registry: "r", reference }]);
    const steady = (at: string, worker: string) =>
      history.recordCheck({
        reference,
        at,
        sighting,
        events: [],
        notifyTo: () => [],
        worker,
        job: { cycle: T(15), reference },
      });
    assert.deepEqual(await steady(T(16), "w1"), []);
    assert.equal(await history.jobsLeft(T(15), "r"), 0);
    await steady(T(17), "w2");
    assert.deepEqual(
      (await history.timeline(reference)).map((o) => [o.firstSeen, o.lastSeen]),
      [[T(1), T(16)]],
      "the late worker's repeat changed nothing",
    );
    assert.deepEqual(await history.workerChecks(), [{ reference, worker: "w1", at: T(16) }]);
    await history.close();
  });

  it("clears out the jobs of cycles more than a day old when a new cycle is planned", async () => {
    const url = await cluster.createDatabase();
    const history = await PostgresHistoryStore.open(url);
    await history.planCycle(T(0), [{ registry: "r", reference: "r/a:1" }]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("UPDATE cycle_jobs SET planned_at = now() - interval '25 hours'");
    await history.planCycle(T(15), [{ registry: "r", reference: "r/a:1" }]);
    const { rows } = await client.query("SELECT cycle FROM cycle_jobs");
    await client.end();
    assert.deepEqual(
      rows.map((r) => r.cycle),
      [T(15)],
    );
    await history.close();
  });

  it("hands each due delivery to exactly one of several workers claiming at once", async () => {
    const url = await cluster.createDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => PostgresHistoryStore.open(url)));
    for (let i = 0; i < 30; i++)
      await stores[0]?.addEvent({ kind: "test", reference: "test", at: T(1) }, ["ops", "chat"]);
    const claims = await Promise.all(
      stores.map((s, i) => s.claimDeliveries({ dueAt: T(2), worker: `w${i}`, leaseMs: 60_000, limit: 25 })),
    );
    const ids = claims.flat().map((c) => c.id);
    assert.equal(ids.length, 60);
    assert.equal(new Set(ids).size, 60);
    await Promise.all(stores.map((s) => s.close()));
  });

  it("spaces one registry's requests across workers", async () => {
    const url = await cluster.createDatabase();
    const [a, b] = await Promise.all([PostgresHistoryStore.open(url), PostgresHistoryStore.open(url)]);
    const slots = await Promise.all(
      Array.from({ length: 6 }, (_, i) => ((i % 2 === 0 ? a : b) as PostgresHistoryStore).takeRequestSlot("r", 100)),
    );
    const sorted = slots.sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++)
      assert.ok((sorted[i] as number) - (sorted[i - 1] as number) >= 80, `slots ${sorted.join(", ")}`);
    await Promise.all([a?.close(), b?.close()]);
  });

  it("pauses a registry for every worker once one reached the rate-limit floor, for that cycle only", async () => {
    const url = await cluster.createDatabase();
    const [a, b] = await Promise.all([PostgresHistoryStore.open(url), PostgresHistoryStore.open(url)]);
    assert.equal(await b?.registryPaused(T(15), "r"), undefined);
    await a?.pauseRegistry(T(15), "r", 3);
    assert.equal(await b?.registryPaused(T(15), "r"), 3);
    assert.equal(await b?.registryPaused(T(30), "r"), undefined, "the next cycle tries again");
    assert.equal(await b?.registryPaused(T(15), "other"), undefined);
    await Promise.all([a?.close(), b?.close()]);
  });

  it("never shows the password of an unreachable database", async () => {
    const url = `postgresql://dg:pa55word@localhost/none?host=${encodeURIComponent(`${cluster.socketDir}/missing`)}`;
    await assert.rejects(
      PostgresHistoryStore.open(url),
      (e) => isCode(e, "HISTORY_UNAVAILABLE") && !e.message.includes("pa55word") && e.message.includes("***"),
    );
  });
});
