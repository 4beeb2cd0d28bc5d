import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnTracked } from "../support/child-reaper.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { skopeo, skopeoSkipReason } from "../support/skopeo.js";
import { tempFolders } from "../support/temp-folders.js";

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));
const tempFolder = tempFolders("mirror-layout-concurrency");
const ROUNDS = 6;

// Two real `dg mirror` processes writing into one OCI layout at the same
// time, round after round — into a fresh layout (both create it) and into
// one that grows — must leave an index.json naming every image, each of which
// verifies with dg and reads back with skopeo.
describe("two dg mirror processes into one OCI layout", { skip: registrySkipReason() || skopeoSkipReason() }, () => {
  let source: RunningRegistry;
  let images: FixtureImages;

  before(async () => {
    [source, images] = await Promise.all([startRegistry({ mode: "http" }), buildFixtureImages("layout-concurrency")]);
    await pushImage(source, "one", images.ociIndex, ["1.0"]);
    await pushImage(source, "two", images.ociSingle, ["1.0"]);
  });
  after(async () => {
    await source?.stop();
  });

  const mirror = async (from: string, to: string, delayMs: number): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const child = spawnTracked(process.execPath, [BIN, "mirror", from, to], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent/auth.json" },
    });
    let stderr = "";
    child.child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    assert.equal(await child.exited, 0, `${from} -> ${to}: ${stderr}`);
  };
  const assertLayoutHolds = async (layout: string, tags: Map<string, string>) => {
    const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8")) as {
      manifests: { digest: string; annotations?: Record<string, string> }[];
    };
    const named = new Map(
      index.manifests.map((m) => [m.annotations?.["org.opencontainers.image.ref.name"] ?? "", m.digest]),
    );
    assert.deepEqual(new Map([...named].filter(([tag]) => tags.has(tag))), tags, JSON.stringify(index));
    for (const tag of tags.keys()) {
      const verify = await runCli(["verify", "--deep", `oci:${layout}:${tag}`]);
      assert.equal(verify.exitCode, 0, verify.stdout.toString() + verify.stderr);
      const read = await skopeo(["inspect", "--raw", `oci:${layout}:${tag}`]);
      assert.equal(read.exitCode, 0, read.stderr);
    }
  };

  test("a fresh layout each round: both images are in it, and every blob verifies", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const layout = join(await tempFolder(), "backup");
      // The second start is staggered: a run still creating the layout meets one already writing to it.
      await Promise.all([
        mirror(`${source.host}/one:1.0`, `oci:${layout}:one`, 0),
        mirror(`${source.host}/two:1.0`, `oci:${layout}:two`, (round * 70) % 400),
      ]);
      await assertLayoutHolds(
        layout,
        new Map([
          ["one", images.ociIndex.root.digest],
          ["two", images.ociSingle.root.digest],
        ]),
      );
    }
  });

  test("one layout over several rounds: every tag written by either process is kept", async () => {
    const layout = join(await tempFolder(), "backup");
    const expected = new Map<string, string>();
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all([
        mirror(`${source.host}/one:1.0`, `oci:${layout}:one-${round}`, 0),
        mirror(`${source.host}/two:1.0`, `oci:${layout}:two-${round}`, 0),
      ]);
      expected.set(`one-${round}`, images.ociIndex.root.digest);
      expected.set(`two-${round}`, images.ociSingle.root.digest);
    }
    await assertLayoutHolds(layout, expected);
  });
});
