import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SqliteHistoryStore } from "../../src/history/sqlite-history-store.js";
import { buildImage } from "../../src/imagebuild/image.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import { watchOnce } from "../../src/watch/watch-service.js";
import { watchPlan } from "../../src/watch/watch-plan.js";
import { watchTargets } from "../../src/watch/watch-targets.js";
import { clientFor } from "../support/client-for.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { tempFolders } from "../support/temp-folders.js";

// newTags: a repository with a filter is listed once a cycle; a tag it did
// not list before that matches the filter is a new-tag event, reported once.

const tempFolder = tempFolders("watch-new-tags");

describe("watch reports new tags matching newTags", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let history: SqliteHistoryStore;
  let client: ReturnType<typeof clientFor>;
  before(async () => {
    registry = await startRegistry({ mode: "http" });
    history = SqliteHistoryStore.open(join(await tempFolder(), "history.sqlite"));
    client = clientFor(registry);
  });
  after(async () => {
    await history?.close();
    await client?.close();
    await registry?.stop();
  });

  const cycle = async () => {
    const settings = {
      version: 1 as const,
      images: [{ ref: `${registry.host}/team/lib:1.0`, newTags: "^1\\.\\d+$" }, `${registry.host}/team/other:1`],
    };
    const plan = watchPlan(settings, watchTargets(settings, undefined));
    const openStore = (t: { registry: string; repository: string }) =>
      new RegistryStore(client, { registry: t.registry, repository: t.repository }, { originOnly: true });
    const before = client.stats.requests;
    const report = await watchOnce(plan, { history, openStore, log: () => {}, signal: new AbortController().signal });
    return { report, requests: client.stats.requests - before };
  };

  it("raises new-tag once for each new matching tag, after a silent baseline", async () => {
    const image = await buildImage({
      flavour: "oci",
      platforms: [{ os: "linux", architecture: "amd64", layers: [[{ path: "a", content: "a\n" }]] }],
    });
    await pushImage(registry, "team/lib", image, ["1.0", "dev"]);
    await pushImage(registry, "team/other", image, ["1", "1.5"]);
    assert.deepEqual((await cycle()).report.events, [], "the first listing is a baseline");

    await pushImage(registry, "team/lib", image, ["1.1", "2.0", "1.1-rc"]);
    await pushImage(registry, "team/other", image, ["1.6"]);
    const { report } = await cycle();
    assert.deepEqual(
      report.events.map((e) => [e.kind, e.reference]),
      [["new-tag", `${registry.host}/team/lib:1.1`]],
    );

    const steady = await cycle();
    assert.deepEqual(steady.report.events, [], "a new tag is reported once");
    assert.equal(steady.requests, 3, "two HEADs and one tag list: the repository without a filter is not listed");
    assert.deepEqual(
      (await history.events({ reference: `${registry.host}/team/lib:1.1` })).map((e) => e.kind),
      ["new-tag"],
    );
  });

  it("refuses a newTags pattern that is not a regular expression", () => {
    const settings = { version: 1 as const, images: [{ ref: `${registry.host}/team/lib:1.0`, newTags: "(" }] };
    assert.throws(() => watchPlan(settings, watchTargets(settings, undefined)), { code: "CONFIG_INVALID" });
  });
});
