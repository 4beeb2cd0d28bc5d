import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { mirrorImage } from "../../src/mirror/mirror-image.js";
import { parsePlatform } from "../../src/oci/platform.js";
import type { RegistryClient } from "../../src/registry/registry-client.js";
import { openLocation } from "../../src/store/open-location.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { clientFor, cliFlagsFor } from "../support/client-for.js";
import { noiseBytes, pushImage, sha256Of } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { skopeo, skopeoSkipReason } from "../support/skopeo.js";
import { tempFolders } from "../support/temp-folders.js";

const tempFolder = tempFolders("mirror");
const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

// The source is a plain-HTTP registry, the destination one that wants a
// bearer token with push scope (mirror-auth.test.ts has tokens on both sides).
describe("mirror between registries and OCI layouts", { skip: registrySkipReason() || skopeoSkipReason() }, () => {
  let source: RunningRegistry;
  let destination: RunningRegistry;
  let images: FixtureImages;
  let client: RegistryClient;
  const open = (text: string, options: { create: boolean }) =>
    openLocation(text, { client: () => client, create: options.create });
  const rawDigest = async (ref: string, registry?: RunningRegistry) => {
    const res = await skopeo(["inspect", "--raw", ref], registry === undefined ? {} : { registry });
    assert.equal(res.exitCode, 0, res.stderr);
    return sha256(res.stdout);
  };
  const uploads = async (registry: RunningRegistry, since: number) =>
    (await registry.requestLog()).slice(since).filter((r) => r.uri.includes("/blobs/uploads/"));

  before(async () => {
    [source, destination, images] = await Promise.all([
      startRegistry({ mode: "http" }),
      startRegistry({ mode: "token" }),
      buildFixtureImages("mirror"),
    ]);
    await pushImage(source, "base", images.ociIndex, ["1.0"]);
    await pushImage(source, "base", images.dockerList, ["docker"]);
    client = clientFor(destination);
  });
  after(async () => {
    await client?.close();
    await Promise.all([source?.stop(), destination?.stop()]);
  });

  test("registry to registry: every platform, identical digests, and skopeo reads the same bytes", async () => {
    const report = await mirrorImage(`${source.host}/base:1.0`, `${destination.host}/mirror/base`, { open });
    assert.equal(report.ok, true, JSON.stringify(report.items));
    // Named without a tag, the destination takes the source's: the report must not say "latest".
    assert.equal(report.destination, `${destination.host}/mirror/base`);
    assert.equal(report.items[0]?.destination, `${destination.host}/mirror/base:1.0`);
    assert.equal(report.items[0]?.result?.written.digest, images.ociIndex.root.digest);
    assert.equal(
      await rawDigest(`docker://${destination.host}/mirror/base:1.0`, destination),
      images.ociIndex.root.digest,
    );
    const copied = await skopeo(
      ["copy", "--all", `docker://${destination.host}/mirror/base:1.0`, `oci:${await tempFolder()}:x`],
      { registry: destination },
    );
    assert.equal(copied.exitCode, 0, copied.stderr);
  });

  test("a re-run with the destination complete uploads nothing", async () => {
    const since = (await destination.requestLog()).length;
    const report = await mirrorImage(`${source.host}/base:1.0`, `${destination.host}/mirror/base`, { open });
    assert.equal(report.items[0]?.status, "up-to-date");
    assert.equal(report.totals.bytesUploaded, 0);
    assert.deepEqual(await uploads(destination, since), []);
  });

  test("Docker schema 2 media types are kept", async () => {
    const report = await mirrorImage(`${source.host}/base:docker`, `${destination.host}/mirror/docker:kept`, { open });
    assert.equal(report.ok, true, JSON.stringify(report.items));
    assert.equal(
      await rawDigest(`docker://${destination.host}/mirror/docker:kept`, destination),
      images.dockerList.root.digest,
    );
  });

  test("registry to layout to registry to layout: the digest never changes, and skopeo reads each copy", async () => {
    const first = await tempFolder();
    const second = await tempFolder();
    assert.equal((await mirrorImage(`${source.host}/base:1.0`, `oci:${first}`, { open })).ok, true);
    assert.equal(await rawDigest(`oci:${first}:1.0`), images.ociIndex.root.digest, "the layout takes the source's tag");
    assert.equal((await mirrorImage(`oci:${first}:1.0`, `${destination.host}/from-layout:1.0`, { open })).ok, true);
    assert.equal(
      await rawDigest(`docker://${destination.host}/from-layout:1.0`, destination),
      images.ociIndex.root.digest,
    );
    assert.equal((await mirrorImage(`oci:${first}:1.0`, `oci:${second}:again`, { open })).ok, true);
    assert.equal(await rawDigest(`oci:${second}:again`), images.ociIndex.root.digest);
    const read = await skopeo(["copy", "--all", `oci:${second}:again`, `dir:${await tempFolder()}`]);
    assert.equal(read.exitCode, 0, read.stderr);
  });

  test("a platform subset is written under a new digest and refused under the original one", async () => {
    const platforms = [parsePlatform("linux/amd64"), parsePlatform("linux/arm/v7")];
    const refused = await mirrorImage(
      `${source.host}/base:1.0`,
      `${destination.host}/subset@${images.ociIndex.root.digest}`,
      { open, platforms },
    );
    assert.equal(refused.items[0]?.error?.code, "USAGE");
    const report = await mirrorImage(`${source.host}/base:1.0`, `${destination.host}/subset:two`, { open, platforms });
    const written = report.items[0]?.result?.written.digest;
    assert.equal(report.items[0]?.result?.subset, true);
    assert.notEqual(written, images.ociIndex.root.digest);
    assert.equal(await rawDigest(`docker://${destination.host}/subset:two`, destination), written);
  });

  test("--all-tags copies the repository, and blobs already in another repository are mounted", async () => {
    const report = await mirrorImage(`${source.host}/base`, `${destination.host}/all/base`, { open, allTags: true });
    assert.deepEqual(report.items.map((i) => i.destination).sort(), [
      `${destination.host}/all/base:1.0`,
      `${destination.host}/all/base:docker`,
    ]);
    const again = await mirrorImage(`${source.host}/base`, `${destination.host}/all/base`, { open, allTags: true });
    assert.deepEqual(
      again.items.map((i) => i.status),
      ["up-to-date", "up-to-date"],
    );
    const mounted = await mirrorImage(`${destination.host}/mirror/base:1.0`, `${destination.host}/other/base:1.0`, {
      open,
    });
    const result = mounted.items[0]?.result;
    assert.equal(result?.blobs.uploaded, 0);
    assert.ok((result?.blobs.mounted ?? 0) > 0, JSON.stringify(result));
  });

  test("--referrers copies signatures stored under sha256-<hex> tags", async () => {
    const signature = images.ociSingle;
    await pushImage(source, "signed", images.dockerSingle, ["1.0"]);
    await pushImage(source, "signed", signature, [`${images.dockerSingle.root.digest.replace(":", "-")}.sig`]);
    const report = await mirrorImage(`${source.host}/signed:1.0`, `${destination.host}/signed`, {
      open,
      referrers: true,
    });
    assert.equal(report.ok, true, JSON.stringify(report.items));
    assert.equal(report.items.length, 2);
    assert.equal(report.items[1]?.referrerOf, `${source.host}/signed:1.0`);
  });

  test("large blobs go up in PATCH chunks that the registry accepts", async () => {
    const bytes = noiseBytes("chunked", 300_000);
    const descriptor = { mediaType: "application/octet-stream", digest: sha256Of(bytes) as never, size: bytes.length };
    const since = (await destination.requestLog()).length;
    await client.pushBlob(
      { registry: destination.host, repository: "chunks" },
      descriptor,
      Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
      {
        monolithicMax: 1024,
        chunkSize: 100_000,
      },
    );
    const patches = (await uploads(destination, since)).filter((r) => r.method === "PATCH" && r.status === 202);
    assert.equal(patches.length, 3);
    assert.equal(
      await client.blobExists({ registry: destination.host, repository: "chunks" }, descriptor.digest),
      true,
    );
  });

  // One round trip for the body instead of one per 32 MiB chunk: the PUT streams it.
  test("a blob above 32 MiB goes up in one streaming PUT, without PATCH chunks", async () => {
    const bytes = noiseBytes("streamed", 33 * 1024 * 1024 + 5);
    const descriptor = { mediaType: "application/octet-stream", digest: sha256Of(bytes) as never, size: bytes.length };
    const since = (await destination.requestLog()).length;
    const repo = { registry: destination.host, repository: "streamed" };
    await client.pushBlob(repo, descriptor, Readable.from([bytes.subarray(0, 1 << 20), bytes.subarray(1 << 20)]));
    const sent = await uploads(destination, since);
    assert.deepEqual(
      sent.filter((r) => r.status < 400).map((r) => r.method),
      ["POST", "PUT"],
    );
    assert.equal(await client.blobExists(repo, descriptor.digest), true);
  });

  test("the CLI mirrors into a layout and reports in JSON; a re-run says up to date", async () => {
    const folder = await tempFolder();
    const res = await runCli([
      "mirror",
      "--json",
      ...cliFlagsFor(source),
      `${source.host}/base:1.0`,
      `oci:${folder}:backup`,
    ]);
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    const report = JSON.parse(res.stdout.toString()) as { ok: boolean; items: { status: string }[] };
    assert.equal(report.ok, true);
    assert.equal(await rawDigest(`oci:${folder}:backup`), images.ociIndex.root.digest);
    const again = await runCli(["mirror", ...cliFlagsFor(source), `${source.host}/base:1.0`, `oci:${folder}:backup`]);
    assert.match(again.stdout.toString(), /up to date/);
  });

  // skopeo 1.9 skips index.json entries with Docker media types, so this copy
  // (digests kept, not converted to OCI) is read back with our own verifier.
  test("a Docker manifest list lands in a layout unconverted and verifies there", async () => {
    const folder = await tempFolder();
    const res = await runCli(["mirror", `${source.host}/base:docker`, `oci:${folder}:docker`]);
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    const verified = await runCli(["verify", "--json", `oci:${folder}:docker`]);
    assert.equal(verified.exitCode, 0, verified.stdout.toString());
    assert.match(verified.stdout.toString(), new RegExp(images.dockerList.root.digest));
  });
});
