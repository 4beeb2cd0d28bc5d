import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { DigestguardError } from "../../src/errors/error.js";
import { writeImage } from "../../src/imagebuild/write-image.js";
import { inspectImage } from "../../src/inspect/inspect-image.js";
import { resolveDigests } from "../../src/digest/resolve-digests.js";
import { parsePlatform } from "../../src/oci/platform.js";
import type { RegistryClient } from "../../src/registry/registry-client.js";
import { openLocation } from "../../src/store/open-location.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import { streamToBuffer } from "../support/stream-to-buffer.js";
import { clientFor } from "../support/client-for.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { registrySkipReason, startRegistry, type RegistryMode, type RunningRegistry } from "../support/registry.js";
import { skopeo, skopeoSkipReason } from "../support/skopeo.js";

const MODES: RegistryMode[] = ["http", "tls", "basic", "token"];
const skip = registrySkipReason();

for (const mode of MODES) {
  describe(`registry client against the real registry (${mode})`, { skip }, () => {
    let registry: RunningRegistry;
    let client: RegistryClient;
    let images: FixtureImages;
    const repo = (repository: string) => ({ registry: registry.host, repository });

    before(async () => {
      registry = await startRegistry({ mode });
      client = clientFor(registry);
      images = await buildFixtureImages(mode);
      for (const [name, image] of Object.entries(images)) {
        await writeImage(new RegistryStore(client, repo(`fixtures/${name.toLowerCase()}`)), image, {
          tags: ["1.0", "latest"],
        });
      }
    });
    after(async () => {
      await client?.close();
      await registry?.stop();
    });

    test("resolve and fetch give the digests we built, for every manifest format", async () => {
      for (const [name, image] of Object.entries(images)) {
        const r = repo(`fixtures/${name.toLowerCase()}`);
        const resolved = await client.resolve(r, { tag: "1.0" });
        assert.equal(resolved.digest, image.root.digest, name);
        assert.equal(resolved.mediaType, image.root.mediaType, name);
        const fetched = await client.getManifest(r, { digest: image.root.digest });
        assert.equal(fetched.size, image.root.size);
        const byTag = await client.getManifest(r, { tag: "1.0" });
        assert.equal(byTag.digest, image.root.digest, `${name}: the real registry's header agrees with its bytes`);
      }
    });

    test("inspect agrees byte for byte with skopeo inspect --raw and skopeo's digest", {
      skip: skopeoSkipReason(),
    }, async () => {
      for (const name of Object.keys(images)) {
        const ref = `${registry.host}/fixtures/${name.toLowerCase()}:1.0`;
        const { store, target, display } = await openLocation(ref, { client: () => client });
        const { report, bytes } = await inspectImage(store, target, { display });
        const raw = await skopeo(["inspect", "--raw", `docker://${ref}`], { registry });
        assert.equal(raw.exitCode, 0, raw.stderr);
        assert.equal(Buffer.from(raw.stdout).equals(Buffer.from(bytes)), true, `${name}: raw bytes differ`);
        assert.equal(`sha256:${createHash("sha256").update(raw.stdout).digest("hex")}`, report.digest);
        const info = await skopeo(
          ["inspect", "--override-os", "linux", "--override-arch", "amd64", `docker://${ref}`],
          { registry },
        );
        assert.equal(info.exitCode, 0, info.stderr);
        const skopeoDigest = (JSON.parse(info.stdout) as { Digest: string }).Digest;
        assert.equal(skopeoDigest, report.digest, `${name}: skopeo reports the top-level digest`);
      }
    });

    test("a platform of an index resolves to the child manifest, and says so", async () => {
      const ref = `${registry.host}/fixtures/ociindex:1.0`;
      const [arm] = await resolveDigests([ref], {
        open: (t) => openLocation(t, { client: () => client }),
        platform: parsePlatform("linux/arm64"),
      });
      const child = images.ociIndex.manifests.find((m) => m.descriptor.platform?.architecture === "arm64");
      assert.equal(arm?.kind, "platform-image");
      assert.equal(arm?.digest, child?.descriptor.digest);
      assert.equal(arm?.indexDigest, images.ociIndex.root.digest);
      const { report } = await inspectImage(
        new RegistryStore(client, repo("fixtures/ociindex")),
        { tag: "1.0" },
        { display: ref, platform: parsePlatform("linux/arm/v7") },
      );
      assert.equal(report.kind, "image");
      assert.equal(report.platform, "linux/arm/v7");
      assert.equal(report.layers?.length, 2);
    });

    test("blobs stream verified and match their descriptors", async () => {
      for (const blob of images.ociSingle.blobs) {
        const stream = await new RegistryStore(client, repo("fixtures/ocisingle")).fetchBlob(blob.descriptor);
        assert.deepEqual(await streamToBuffer(stream), Buffer.from(blob.bytes));
      }
    });

    // distribution 2.8 ignores `n` and answers in storage order; pagination itself is tested in tag-list.test.ts.
    test("tags are listed", async () => {
      const store = new RegistryStore(client, repo("paged"));
      const tags = ["a", "b", "c", "d", "e"];
      await writeImage(store, images.ociSingle, { tags });
      assert.deepEqual((await client.listTags(repo("paged"), { pageSize: 2 })).sort(), tags);
    });

    test("unknown tags and repositories are typed not-found errors", async () => {
      await assert.rejects(
        client.resolve(repo("fixtures/ocisingle"), { tag: "nope" }),
        (e: DigestguardError) => e.exitCode === 3,
      );
      await assert.rejects(
        client.getManifest(repo("does/not/exist"), { tag: "1" }),
        (e: DigestguardError) => e.exitCode === 3,
      );
    });

    if (mode === "basic" || mode === "token") {
      test("wrong credentials are an auth error that never shows the password", async () => {
        const bad = clientFor({ ...registry, password: "wrong-Secret-123" });
        try {
          await assert.rejects(bad.resolve(repo("fixtures/ocisingle"), { tag: "1.0" }), (e: DigestguardError) => {
            assert.equal(e.exitCode, 4, e.message);
            assert.ok(!e.message.includes("wrong-Secret-123"));
            return true;
          });
        } finally {
          await bad.close();
        }
      });
    }

    if (mode === "token") {
      test("one token request per repository, however many references", async () => {
        const fresh = clientFor(registry);
        const before = registry.tokenIssuer?.requestCount ?? 0;
        const refs = ["1.0", "latest", "1.0", "latest"].flatMap((t) => [
          `${registry.host}/fixtures/ocisingle:${t}`,
          `${registry.host}/fixtures/dockerlist:${t}`,
        ]);
        const results = await resolveDigests(refs, { open: (t) => openLocation(t, { client: () => fresh }) });
        await fresh.close();
        assert.ok(
          results.every((r) => r.error === undefined),
          JSON.stringify(results),
        );
        assert.equal((registry.tokenIssuer?.requestCount ?? 0) - before, 2);
        assert.equal(fresh.stats.byKind["HEAD manifests"], refs.length);
      });
    }
  });
}
