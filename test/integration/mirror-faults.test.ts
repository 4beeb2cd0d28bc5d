import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { copyImage } from "../../src/image/copy-image.js";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import { mirrorImage } from "../../src/mirror/mirror-image.js";
import type { Descriptor } from "../../src/oci/descriptor.js";
import type { RegistryClient } from "../../src/registry/registry-client.js";
import { openLocation } from "../../src/store/open-location.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import { clientFor } from "../support/client-for.js";
import { startFaultProxy, type Fault, type FaultProxy } from "../support/fault-proxy.js";
import { buildNoiseIndex, builtLayer, pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { skopeo, skopeoSkipReason } from "../support/skopeo.js";
import { tempFolders } from "../support/temp-folders.js";

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));
const tempFolder = tempFolders("mirror-faults");

// The source is read through the fault proxy; the destination is a second,
// honest registry. Whatever the source does, the destination must never hold
// a tag over incomplete or corrupt content, and what it holds must verify.
describe("mirror through source faults", { skip: registrySkipReason() || skopeoSkipReason() }, () => {
  let origin: RunningRegistry;
  let destination: RunningRegistry;
  let proxy: FaultProxy;
  let image: BuiltImage;
  let layer: Descriptor;
  let client: RegistryClient;
  let run = 0;
  const copy = (repository: string) =>
    copyImage(
      new RegistryStore(client, { registry: proxy.host, repository: "faulty/app" }),
      { tag: "1.0" },
      new RegistryStore(client, { registry: destination.host, repository }),
      { tag: "1.0" },
    );
  const destinationTag = async (repository: string) => {
    const res = await skopeo(["inspect", "--raw", `docker://${destination.host}/${repository}:1.0`], {
      registry: destination,
    });
    return res.exitCode === 0;
  };
  const skopeoReadsBack = async (repository: string) => {
    const res = await skopeo(
      ["copy", "--all", `docker://${destination.host}/${repository}:1.0`, `oci:${await tempFolder()}:x`],
      { registry: destination },
    );
    assert.equal(res.exitCode, 0, res.stderr);
  };

  before(async () => {
    [origin, destination] = await Promise.all([startRegistry({ mode: "http" }), startRegistry({ mode: "http" })]);
    image = await buildNoiseIndex("mirror-faults", 96 * 1024);
    layer = builtLayer(image, 1, 1).descriptor;
    await pushImage(origin, "faulty/app", image, ["1.0"]);
    proxy = await startFaultProxy(origin);
    client = clientFor(destination);
  });
  afterEach(() => proxy.clearFaults());
  after(async () => {
    await client?.close();
    await proxy?.stop();
    await Promise.all([origin?.stop(), destination?.stop()]);
  });

  const refused: [string, Fault, number | undefined, string][] = [
    ["a flipped byte", { type: "flip-byte" }, undefined, "DIGEST_MISMATCH"],
    ["a body cut short on every read", { type: "short-body", keepBytes: 1000 }, undefined, "SIZE_MISMATCH"],
    ["extra bytes", { type: "extra-bytes", bytes: 10 }, undefined, "SIZE_MISMATCH"],
  ];
  for (const [name, fault, times, code] of refused) {
    test(`${name} in a layer: the image fails with ${code}, nothing lands under the tag, nor the bad blob`, async () => {
      const repository = `refused/${++run}`;
      proxy.setFaults([
        { match: { kind: "blob", digest: layer.digest }, ...(times === undefined ? {} : { times }), fault },
      ]);
      await assert.rejects(copy(repository), { code });
      assert.equal(await destinationTag(repository), false);
      assert.equal(await client.blobExists({ registry: destination.host, repository }, layer.digest), false);
    });
  }

  const survived: [string, Fault][] = [
    ["a reset mid-body", { type: "reset-mid-body", afterBytes: 20_000 }],
    ["a truncated body", { type: "truncate", keepBytes: 30_000 }],
    ["429 with Retry-After", { type: "status", status: 429, retryAfter: "0" }],
    ["a 503", { type: "status", status: 503 }],
  ];
  for (const [name, fault] of survived) {
    test(`${name} once: the copy completes and skopeo reads it back with the same digest`, async () => {
      const repository = `survived/${++run}`;
      proxy.setFaults([{ match: { kind: "blob", digest: layer.digest }, times: 1, fault }]);
      const result = await copy(repository);
      assert.equal(result.written.digest, image.root.digest);
      await skopeoReadsBack(repository);
    });
  }

  test("a destination refusing one image fails that image with a clear error, and the rest are copied", async () => {
    const guard = await startFaultProxy(destination);
    const guarded = clientFor(destination);
    try {
      await pushImage(origin, "two/app", image, ["a", "b"]);
      guard.setFaults([
        {
          match: { method: "PUT", path: /\/manifests\/a$/ },
          fault: {
            type: "status",
            status: 413,
            body: '{"errors":[{"code":"SIZE_INVALID","message":"quota exceeded"}]}',
          },
        },
      ]);
      const open = (text: string, options: { create: boolean }) =>
        openLocation(text, { client: () => guarded, create: options.create });
      const report = await mirrorImage(`${origin.host}/two/app`, `${guard.host}/two/app`, { open, allTags: true });
      const byTag = Object.fromEntries(report.items.map((item) => [item.destination.split(":").at(-1), item]));
      assert.equal(byTag["b"]?.status, "copied");
      assert.equal(byTag["a"]?.status, "failed");
      assert.match(byTag["a"]?.error?.message ?? "", /413/);
      assert.equal(report.ok, false);
    } finally {
      await guarded.close();
      await guard.stop();
    }
  });

  test("kill -9 in the middle leaves no tag at the destination, and the next run completes the copy", async () => {
    const repository = "killed/app";
    proxy.setFaults([
      { match: { kind: "blob", digest: layer.digest }, fault: { type: "stall-body", afterBytes: 10_000 } },
    ]);
    const child = spawn(
      process.execPath,
      [BIN, "mirror", `${proxy.host}/faulty/app:1.0`, `${destination.host}/${repository}`],
      {
        stdio: "ignore",
        env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent/auth.json" },
      },
    );
    // Wait until the stalled layer is being read: other blobs have landed by then, or are landing.
    for (let i = 0; i < 200 && !proxy.requests.some((r) => r.path.includes(layer.digest)); i++)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    assert.equal(await destinationTag(repository), false, "no tag over incomplete content");
    proxy.clearFaults();
    const result = await copy(repository);
    assert.equal(result.written.digest, image.root.digest);
    await skopeoReadsBack(repository);
  });
});
