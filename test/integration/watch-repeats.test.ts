import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SqliteHistoryStore } from "../../src/history/sqlite-history-store.js";
import { buildImage, type BuiltImage } from "../../src/imagebuild/image.js";
import { RegistryClient } from "../../src/registry/registry-client.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import { watchOnce } from "../../src/watch/watch-service.js";
import { watchPlan } from "../../src/watch/watch-plan.js";
import type { WatchTarget } from "../../src/watch/watch-targets.js";
import { clientFor } from "../support/client-for.js";
import { pushImage } from "../support/noise-image.js";
import { startRateLimitedRegistry, type RateLimitedRegistry } from "../support/rate-limited-registry.js";
import { deleteManifest } from "../support/registry-admin.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { tempFolders } from "../support/temp-folders.js";

// A vanished pin or a failing registry is a lasting state, not a change:
// it is recorded once, not every cycle, and again only after it ended.

const tempFolder = tempFolders("watch-repeats");
const quiet = (): void => {};

function image(seed: string): Promise<BuiltImage> {
  return buildImage({
    flavour: "oci",
    platforms: [{ os: "linux", architecture: "amd64", layers: [[{ path: "id", content: `${seed}\n` }]] }],
  });
}

function cycleOf(client: RegistryClient, history: SqliteHistoryStore, target: WatchTarget) {
  return async (): Promise<string[]> => {
    const report = await watchOnce(watchPlan({ version: 1 }, [target]), {
      history,
      log: quiet,
      signal: new AbortController().signal,
      openStore: (t) =>
        new RegistryStore(client, { registry: t.registry, repository: t.repository }, { originOnly: true }),
    });
    return report.events.map((e) => e.kind);
  };
}

describe("watch records lasting conditions once", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let hub: RateLimitedRegistry;
  let history: SqliteHistoryStore;
  let client: RegistryClient;
  before(async () => {
    registry = await startRegistry({ mode: "http" });
    hub = await startRateLimitedRegistry(undefined);
    history = SqliteHistoryStore.open(join(await tempFolder(), "history.sqlite"));
    client = clientFor(registry, { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  });
  after(async () => {
    await history?.close();
    await client?.close();
    await hub?.stop();
    await registry?.stop();
  });

  it("reports a vanished pin once, and again after it came back and vanished anew", async () => {
    const [old, current] = await Promise.all([image("old"), image("current")]);
    await pushImage(registry, "team/app", old, ["old"]);
    await pushImage(registry, "team/app", current, ["1"]);
    await deleteManifest(registry, "team/app", old.root.digest);
    const target = {
      reference: `${registry.host}/team/app:1`,
      registry: registry.host,
      repository: "team/app",
      tag: "1",
      pins: [old.root.digest],
    };
    const cycle = cycleOf(client, history, target);
    assert.deepEqual(await cycle(), ["pin-vanished"]);
    assert.deepEqual(await cycle(), [], "the same vanished pin is not reported again");
    await pushImage(registry, "team/app", old, ["old"]);
    assert.deepEqual(await cycle(), []);
    await deleteManifest(registry, "team/app", old.root.digest);
    assert.deepEqual(await cycle(), ["pin-vanished"], "vanished anew after it was back");
  });

  it("reports a failing registry once per outage", async () => {
    const target = { reference: `${hub.host}/team/x:1`, registry: hub.host, repository: "team/x", tag: "1", pins: [] };
    const cycle = cycleOf(client, history, target);
    assert.deepEqual(await cycle(), []);
    hub.failWith = 503;
    assert.deepEqual(await cycle(), ["check-error"]);
    assert.deepEqual(await cycle(), [], "the outage goes on: not recorded again");
    hub.failWith = undefined;
    assert.deepEqual(await cycle(), []);
    hub.failWith = 503;
    assert.deepEqual(await cycle(), ["check-error"], "a new outage is recorded");
    assert.equal((await history.events({ reference: target.reference })).length, 2);
  });
});
