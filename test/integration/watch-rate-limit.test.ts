import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SqliteHistoryStore } from "../../src/history/sqlite-history-store.js";
import { RegistryClient } from "../../src/registry/registry-client.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import { watchOnce } from "../../src/watch/watch-service.js";
import { watchPlan } from "../../src/watch/watch-plan.js";
import { watchTargets } from "../../src/watch/watch-targets.js";
import { startRateLimitedRegistry, type RateLimitedRegistry } from "../support/rate-limited-registry.js";
import { tempFolders } from "../support/temp-folders.js";

// Docker Hub's ratelimit-remaining: once a registry says it is at or below
// the configured floor, watch stops asking it for the rest of the cycle and
// records check errors — never deletions — and asks again next cycle.

const tempFolder = tempFolders("watch-rate-limit");

describe("watch respects a registry's rate-limit floor", () => {
  let hub: RateLimitedRegistry;
  let history: SqliteHistoryStore;
  let client: RegistryClient;
  before(async () => {
    hub = await startRateLimitedRegistry(100);
    history = SqliteHistoryStore.open(join(await tempFolder(), "history.sqlite"));
    client = new RegistryClient({
      credentials: { authFile: "/nonexistent/digestguard-test-auth.json" },
      retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
    });
  });
  after(async () => {
    await history?.close();
    await client?.close();
    await hub?.stop();
  });

  const cycle = (tags = ["a:1", "b:1", "c:1"]) => {
    const settings = {
      version: 1 as const,
      images: tags.map((tag) => `${hub.host}/team/${tag}`),
      perRegistry: { concurrency: 1, rateLimitFloor: 5 },
    };
    const plan = watchPlan(settings, watchTargets(settings, undefined));
    const openStore = (t: { registry: string; repository: string }) =>
      new RegistryStore(client, { registry: t.registry, repository: t.repository }, { originOnly: true });
    return watchOnce(plan, { history, openStore, log: () => {}, signal: new AbortController().signal });
  };

  it("reads ratelimit-remaining from the HEAD answer", async () => {
    const store = new RegistryStore(client, { registry: hub.host, repository: "team/x" });
    assert.equal((await store.resolve({ tag: "1" })).rateLimitRemaining, 100);
  });

  it("pauses the registry's checks for the cycle at the floor, and resumes above it", async () => {
    const baseline = await cycle();
    assert.equal(baseline.checked, 3);
    assert.equal(baseline.errors, 0);

    hub.remaining = 5;
    const before = hub.manifestRequests;
    const paused = await cycle();
    assert.equal(hub.manifestRequests - before, 1, "only the check that learned the floor was reached is sent");
    assert.deepEqual(
      paused.events.map((e) => [e.kind, e.reference.split("/").pop(), e.detail?.code]),
      [
        ["check-error", "b:1", "TOO_MANY_REQUESTS"],
        ["check-error", "c:1", "TOO_MANY_REQUESTS"],
      ],
    );
    assert.match(String(paused.events[0]?.detail?.message), /rate-limit floor reached/);
    assert.equal(paused.errors, 2);

    hub.remaining = 50;
    const resumed = await cycle();
    assert.equal(resumed.errors, 0);
    assert.deepEqual(resumed.events, []);
    for (const repo of ["a", "b", "c"])
      assert.equal(
        (await history.latest(`${hub.host}/team/${repo}:1`))?.digest,
        hub.digest,
        "nothing taken for deleted",
      );
  });

  it("does not fetch a new digest whose HEAD answer says the floor is reached", async () => {
    hub.remaining = 5;
    const before = hub.manifestRequests;
    const paused = await cycle(["fresh:1"]);
    assert.equal(hub.manifestRequests - before, 1, "the HEAD only: the manifest GET is a pull");
    assert.deepEqual(
      paused.events.map((e) => [e.kind, e.reference.split("/").pop(), e.detail?.code]),
      [["check-error", "fresh:1", "TOO_MANY_REQUESTS"]],
    );
    assert.equal(await history.latest(`${hub.host}/team/fresh:1`), undefined, "nothing recorded as seen");
    hub.remaining = 50;
  });
});
