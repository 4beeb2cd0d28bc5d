import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BuiltImage } from "../../src/imagebuild/image.js";
import { mirrorImage } from "../../src/mirror/mirror-image.js";
import { openLocation } from "../../src/store/open-location.js";
import { clientFor } from "../support/client-for.js";
import { startFaultProxy, type Fault, type FaultProxy } from "../support/fault-proxy.js";
import { buildFixtureImages } from "../support/fixture-images.js";
import { startHostileRegistry, type HostileBehaviour } from "../support/hostile-registry.js";
import { buildNoiseIndex, builtLayer, pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { skopeo, skopeoSkipReason } from "../support/skopeo.js";
import { tempFolders } from "../support/temp-folders.js";

const tempFolder = tempFolders("mirror-hostile");

// What mirror-faults.test.ts leaves out: sources that keep failing (every
// read, not once) and hostile source servers, run through the real CLI and
// checked at the destination by both `dg verify` and skopeo; and a
// destination that hands out an upload URL on somebody else's origin.
describe("mirror from sources that keep failing", { skip: registrySkipReason() || skopeoSkipReason() }, () => {
  let origin: RunningRegistry;
  let destination: RunningRegistry;
  let proxy: FaultProxy;
  let image: BuiltImage;
  let run = 0;

  // Nothing under the tag: our verifier finds no image, skopeo can neither inspect nor copy one.
  const assertNothingLanded = async (repository: string, layerDigest?: string) => {
    const ref = `${destination.host}/${repository}:1.0`;
    const verify = await runCli(["verify", "--json", ref]);
    assert.equal(verify.exitCode, 3, `dg verify must find no image: ${verify.stdout.toString()}`);
    const inspect = await skopeo(["inspect", "--raw", `docker://${ref}`], { registry: destination });
    assert.notEqual(inspect.exitCode, 0, "skopeo inspect found a manifest");
    const copy = await skopeo(["copy", `docker://${ref}`, `dir:${await tempFolder()}`], { registry: destination });
    assert.notEqual(copy.exitCode, 0, "skopeo copied an image");
    if (layerDigest !== undefined) {
      const blob = await fetch(`${destination.url}/v2/${repository}/blobs/${layerDigest}`, { method: "HEAD" });
      assert.equal(blob.status, 404, "the bad layer was stored");
    }
  };

  before(async () => {
    [origin, destination] = await Promise.all([startRegistry({ mode: "http" }), startRegistry({ mode: "http" })]);
    image = await buildNoiseIndex("mirror-hostile", 64 * 1024);
    await pushImage(origin, "faulty/app", image, ["1.0"]);
    proxy = await startFaultProxy(origin);
  });
  after(async () => {
    await proxy?.stop();
    await Promise.all([origin?.stop(), destination?.stop()]);
  });

  const persistent: [string, Fault][] = [
    ["a body truncated on every read", { type: "truncate", keepBytes: 20_000 }],
    // Reset before any byte: a reset later in the body lets each resumed Range read make progress, and the copy rightly completes.
    ["a reset on every read", { type: "reset-mid-body", afterBytes: 0 }],
    ["429 on every read", { type: "status", status: 429, retryAfter: "0" }],
    ["a flipped byte on every read", { type: "flip-byte" }],
  ];
  for (const [name, fault] of persistent) {
    test(`${name} of one layer: dg mirror fails and nothing lands under the tag`, async () => {
      const layer = builtLayer(image, 1, 1).descriptor;
      const repository = `persistent/${++run}`;
      proxy.setFaults([{ match: { kind: "blob", digest: layer.digest }, fault }]);
      try {
        const res = await runCli(["mirror", `${proxy.host}/faulty/app:1.0`, `${destination.host}/${repository}`]);
        assert.notEqual(res.exitCode, 0, res.stdout.toString());
        assert.match(res.stdout.toString() + res.stderr, /failed/i);
      } finally {
        proxy.clearFaults();
      }
      await assertNothingLanded(repository, layer.digest);
    });
  }

  const hostile: HostileBehaviour[] = ["truncated-blob", "lying-digest-header", "blob-redirect-foreign-401"];
  for (const behaviour of hostile) {
    test(`a hostile source (${behaviour}): nothing lands, and no credentials reach its foreign origin`, async () => {
      const { ociSingle } = await buildFixtureImages(`mirror-hostile-${behaviour}`);
      const server = await startHostileRegistry({ behaviour, image: ociSingle });
      try {
        const repository = `hostile/${behaviour}`;
        const res = await runCli([
          "mirror",
          "--creds",
          `${server.username}:${server.password}`,
          `${server.host}/app:1.0`,
          `${destination.host}/${repository}`,
        ]);
        assert.notEqual(res.exitCode, 0, res.stdout.toString() + res.stderr);
        await assertNothingLanded(repository);
        assert.equal(server.foreign.authorizationCount(), 0);
      } finally {
        await server.stop();
      }
    });
  }
});

describe("a destination answering an upload with a foreign Location", { skip: registrySkipReason() }, () => {
  test("the push stops with a clear error; the foreign origin sees no request and no credentials", async () => {
    const [source, destination] = await Promise.all([
      startRegistry({ mode: "http" }),
      startRegistry({ mode: "basic" }),
    ]);
    const guard = await startFaultProxy(destination);
    const client = clientFor({ ...destination, host: guard.host, url: guard.url });
    try {
      const { ociSingle } = await buildFixtureImages("mirror-foreign-location");
      await pushImage(source, "app", ociSingle, ["1.0"]);
      guard.setFaults([
        { match: { method: "POST", path: /\/blobs\/uploads\/$/ }, fault: { type: "foreign-location" } },
      ]);
      const open = (text: string, options: { create: boolean }) =>
        openLocation(text, { client: () => client, create: options.create });
      const report = await mirrorImage(`${source.host}/app:1.0`, `${guard.host}/app`, { open });
      assert.equal(report.ok, false);
      assert.match(report.items[0]?.error?.message ?? "", /not its own origin/);
      assert.ok(
        guard.requests.some((r) => r.fault?.type === "foreign-location"),
        "the fault was served",
      );
      const authorized = guard.otherOrigin.requests.filter((r) => r.authorization);
      assert.equal(authorized.length, 0, "credentials went to the foreign origin");
      assert.equal(guard.otherOrigin.requests.length, 0);
      assert.ok(
        guard.requests.some((r) => r.authorization),
        "the destination did get credentials",
      );
      const tag = await client
        .getManifest({ registry: guard.host, repository: "app" }, { tag: "1.0" })
        .catch(() => undefined);
      assert.equal(tag, undefined, "a tag landed");
    } finally {
      await client.close();
      await guard.stop();
      await Promise.all([source.stop(), destination.stop()]);
    }
  });
});
