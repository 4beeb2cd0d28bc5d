import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PostgresHistoryStore } from "../../src/history/postgres-history-store.js";
import { SqliteHistoryStore } from "../../src/history/sqlite-history-store.js";
import { cliFlagsFor } from "../support/client-for.js";
import { pushImage } from "../support/noise-image.js";
import { postgresSkipReason, startPostgres, type RunningPostgres } from "../support/postgres.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { tempFolders } from "../support/temp-folders.js";
import { seededImage } from "../support/watch-fleet.js";

// The command line on a PostgreSQL history: chosen by database.url or
// DIGESTGUARD_DATABASE_URL, `dg db migrate|status|copy`, and a password
// that never shows in an error.

const tempFolder = tempFolders("history-postgres-cli");
const json = (stdout: Buffer) => JSON.parse(stdout.toString()) as Record<string, any>;

describe("the CLI on a PostgreSQL history", { skip: registrySkipReason() || postgresSkipReason() }, () => {
  let cluster: RunningPostgres;
  let registry: RunningRegistry;
  before(async () => {
    [cluster, registry] = await Promise.all([startPostgres(), startRegistry({ mode: "http" })]);
  });
  after(async () => {
    await Promise.all([cluster?.stop(), registry?.stop()]);
  });

  it("keeps watch's history in the database database.url names; history and db status read it", async () => {
    const url = await cluster.createDatabase();
    const dir = await tempFolder();
    const ref = `${registry.host}/pg/app:1`;
    await pushImage(registry, "pg/app", await seededImage("pg"), ["1"]);
    await writeFile(
      join(dir, "digestguard.yaml"),
      `version: 1\ndatabase: { url: "${url}" }\nwatch:\n  version: 1\n  lockfile: false\n  images: ["${ref}"]\n`,
    );
    const once = await runCli(["watch", "--once", "--json", ...cliFlagsFor(registry)], { cwd: dir });
    assert.equal(once.exitCode, 0, once.stderr);
    const history = await runCli(["history", ref, "--json"], { cwd: dir });
    assert.equal(history.exitCode, 0, history.stderr);
    assert.equal(json(history.stdout).observations.length, 1);
    const status = await runCli(["db", "status", "--json"], { cwd: dir });
    assert.equal(status.exitCode, 0, status.stderr);
    assert.equal(json(status.stdout).backend, "postgres");
    assert.equal(json(status.stdout).counts.observations, 1);
    const fleet = await PostgresHistoryStore.open(url);
    assert.deepEqual(
      (await fleet.workerChecks()).map((c) => c.reference),
      [ref],
    );
    await fleet.close();
  });

  it("migrates a new database with `db migrate` (DIGESTGUARD_DATABASE_URL)", async () => {
    const url = await cluster.createDatabase();
    const migrated = await runCli(["db", "migrate", "--json"], { env: { DIGESTGUARD_DATABASE_URL: url } });
    assert.equal(migrated.exitCode, 0, migrated.stderr);
    const { schema, backend } = json(migrated.stdout);
    assert.equal(backend, "postgres");
    assert.equal(schema.version, schema.latest);
  });

  it("copies a SQLite history into an empty database once, keeping delivery ids", async () => {
    const path = join(await tempFolder(), "h.sqlite");
    const sqlite = SqliteHistoryStore.open(path);
    const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h)).toISOString();
    for (const [h, digest] of [
      [1, "a"],
      [2, "a"],
      [3, "b"],
    ] as const)
      await sqlite.recordCheck({
        reference: "r/app:1",
        at: at(h),
        sighting: { digest: `sha256:${digest.repeat(64)}`, platforms: [] },
        events: h === 3 ? [{ kind: "moved", reference: "r/app:1", at: at(h), detail: { n: 1 } }] : [],
        notifyTo: () => ["ops"],
      });
    await sqlite.recordTags({ repository: "r/app", at: at(1), tags: ["1", "2"], events: [], notifyTo: () => [] });
    const before = {
      timeline: await sqlite.timeline("r/app:1"),
      events: await sqlite.events(),
      pending: await sqlite.pendingDeliveries(),
    };
    await sqlite.close();
    const url = await cluster.createDatabase();
    const copy = await runCli(["db", "copy", "--from", `sqlite:${path}`, "--to", url, "--json"]);
    assert.equal(copy.exitCode, 0, copy.stderr);
    assert.deepEqual(json(copy.stdout).copied, {
      observations: 2,
      events: 1,
      deliveries: 1,
      knownTags: 2,
      openConditions: 0,
    });
    const pg = await PostgresHistoryStore.open(url);
    assert.deepEqual(await pg.timeline("r/app:1"), before.timeline);
    assert.deepEqual(await pg.events(), before.events);
    assert.deepEqual(await pg.pendingDeliveries(), before.pending);
    assert.deepEqual([...(await pg.knownTags("r/app"))].sort(), ["1", "2"]);
    const again = await runCli(["db", "copy", "--from", `sqlite:${path}`, "--to", url]);
    assert.equal(again.exitCode, 2, "a target with history is refused");
    assert.match(again.stderr, /already holds 2 observations/);
    assert.equal((await pg.status()).counts.observations, 2);
    // New rows continue after the copied ids.
    const [next] = await pg.recordCheck({
      reference: "r/app:1",
      at: at(4),
      events: [{ kind: "tag-deleted", reference: "r/app:1", at: at(4) }],
      notifyTo: () => [],
    });
    assert.ok((next?.id ?? 0) > (before.events[0]?.id ?? 0));
    await pg.close();
  });

  it("never prints the database password, and says the history is unavailable", async () => {
    const url = `postgresql://dg:pa55word@localhost/none?host=${encodeURIComponent(join(cluster.socketDir, "missing"))}`;
    const run = await runCli(["history", "r/app:1", "--db", url]);
    assert.equal(run.exitCode, 5, run.stderr);
    assert.doesNotMatch(run.stderr, /pa55word/);
    assert.match(run.stderr, /dg:\*\*\*@/);
  });
});
