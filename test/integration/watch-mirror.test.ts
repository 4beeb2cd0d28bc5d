import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SqliteHistoryStore } from "../../src/history/sqlite-history-store.js";
import { buildImage, type BuiltImage } from "../../src/imagebuild/image.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import { watchOnce } from "../../src/watch/watch-service.js";
import { watchPlan } from "../../src/watch/watch-plan.js";
import { watchTargets } from "../../src/watch/watch-targets.js";
import { clientFor } from "../support/client-for.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { tempFolders } from "../support/temp-folders.js";
import { verifyAt } from "../support/verify-run.js";

// The `mirror` action: when a watched tag moves, the new digest is copied to
// watch.mirror.to and must verify there, under the same tag.

const tempFolder = tempFolders("watch-mirror");

function image(seed: string): Promise<BuiltImage> {
  const platform = (architecture: string) => ({
    os: "linux",
    architecture,
    layers: [[{ path: "etc/id", content: `${seed} ${architecture}\n` }]],
  });
  return buildImage({ flavour: "oci", platforms: [platform("amd64"), platform("arm64")] });
}

describe("watch's mirror action between two registries", { skip: registrySkipReason() }, () => {
  let upstream: RunningRegistry;
  let backup: RunningRegistry;
  let history: SqliteHistoryStore;
  let client: ReturnType<typeof clientFor>;
  before(async () => {
    [upstream, backup] = await Promise.all([startRegistry({ mode: "http" }), startRegistry({ mode: "http" })]);
    history = SqliteHistoryStore.open(join(await tempFolder(), "history.sqlite"));
    client = clientFor(upstream);
  });
  after(async () => {
    await history?.close();
    await client?.close();
    await upstream?.stop();
    await backup?.stop();
  });

  const cycle = () => {
    const settings = {
      version: 1 as const,
      images: [`${upstream.host}/team/app:1`],
      mirror: { to: `${backup.host}/keep` },
      actions: { moved: ["verify" as const, "mirror" as const] },
    };
    const plan = watchPlan(settings, watchTargets(settings, undefined));
    const openStore = (t: { registry: string; repository: string }) =>
      new RegistryStore(client, { registry: t.registry, repository: t.repository }, { originOnly: true });
    return watchOnce(plan, { history, openStore, log: () => {}, signal: new AbortController().signal });
  };

  it("copies the digest the tag moved to, which then verifies at the target", async () => {
    const v1 = await image("v1");
    await pushImage(upstream, "team/app", v1, ["1"]);
    assert.deepEqual((await cycle()).events, [], "a baseline mirrors nothing");

    const v2 = await image("v2");
    await pushImage(upstream, "team/app", v2, ["1"]);
    const report = await cycle();
    assert.deepEqual(
      report.events.map((e) => [e.kind, e.to]),
      [["moved", v2.root.digest]],
    );

    const copied = await new RegistryStore(client, { registry: backup.host, repository: "keep/team/app" }).resolve({
      tag: "1",
    });
    assert.equal(copied.digest, v2.root.digest);
    const verified = await verifyAt(backup, backup.host, "keep/team/app", { tag: "1" });
    assert.equal(verified.ok, true);
    assert.ok(verified.blobs.length > 0);
  });
});
