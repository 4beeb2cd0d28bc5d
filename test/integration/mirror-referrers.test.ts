import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mirrorImage } from "../../src/mirror/mirror-image.js";
import type { MirrorReport } from "../../src/mirror/mirror-report.js";
import type { Descriptor } from "../../src/oci/descriptor.js";
import type { RegistryClient } from "../../src/registry/registry-client.js";
import { openLocation } from "../../src/store/open-location.js";
import { startCapturingOrigin } from "../support/capturing-origin.js";
import { cliFlagsFor, clientFor } from "../support/client-for.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { pushReferrer } from "../support/referrer-artifact.js";
import { startReferrersRegistry, type ReferrersRegistry } from "../support/referrers-registry.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { skopeo, skopeoSkipReason } from "../support/skopeo.js";

const SIGNATURE = "application/vnd.example.signature.v1+json";
const SBOM = "application/vnd.example.sbom.v1+json";
const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;
const fallbackTag = (digest: string) => digest.replace(":", "-");

// The source speaks the referrers API (a spec-following front over a real
// registry); the destination is distribution 2.8, which has no such API.
describe("mirror --referrers through the referrers API", { skip: registrySkipReason() || skopeoSkipReason() }, () => {
  let upstream: RunningRegistry;
  let source: ReferrersRegistry;
  let destination: RunningRegistry;
  let images: FixtureImages;
  let client: RegistryClient;
  const referrers: Record<"signature" | "sbom" | "sbomSignature", Descriptor> = {} as never;
  const open = (text: string, options: { create: boolean }) =>
    openLocation(text, { client: () => client, create: options.create });
  const raw = async (ref: string) => {
    const res = await skopeo(["inspect", "--raw", `docker://${ref}`], { registry: destination });
    return { ...res, digest: sha256(res.stdout) };
  };
  const indexAt = async (ref: string) => {
    const res = await raw(ref);
    assert.equal(res.exitCode, 0, res.stderr);
    return { digest: res.digest, index: JSON.parse(res.stdout) as { mediaType: string; manifests: Descriptor[] } };
  };

  before(async () => {
    [upstream, destination, images] = await Promise.all([
      startRegistry({ mode: "http" }),
      startRegistry({ mode: "http" }),
      buildFixtureImages("referrers"),
    ]);
    source = await startReferrersRegistry(upstream);
    client = clientFor(destination);
    await pushImage(source.asRegistry, "app", images.ociSingle, ["1.0"]);
    const repo = { registry: source.host, repository: "app" };
    const image = images.ociSingle.root;
    referrers.signature = await pushReferrer(client, repo, image, SIGNATURE, "signature of the image");
    referrers.sbom = await pushReferrer(client, repo, image, SBOM, "sbom of the image");
    referrers.sbomSignature = await pushReferrer(client, repo, referrers.sbom, SIGNATURE, "signature of the sbom");
  });
  after(async () => {
    await client?.close();
    await source?.stop();
    await Promise.all([upstream?.stop(), destination?.stop()]);
  });

  test("copies image, signature, SBOM and the SBOM's signature; the fallback index names them; a re-run moves nothing", async () => {
    source.pageSize = 1; // two referrers of the image: the second comes by Link pagination
    const asked = source.referrersRequests;
    const report = await mirrorImage(`${source.host}/app:1.0`, `${destination.host}/app`, { open, referrers: true });
    source.pageSize = 100;
    assert.equal(report.ok, true, JSON.stringify(report.items));
    assert.ok(source.referrersRequests - asked >= 3, "the source's referrers API was asked");
    const image = images.ociSingle.root.digest;
    const top = await indexAt(`${destination.host}/app:${fallbackTag(image)}`);
    assert.equal(top.index.mediaType, "application/vnd.oci.image.index.v1+json");
    assert.deepEqual(
      top.index.manifests.map((d) => d.digest).sort(),
      [referrers.signature.digest, referrers.sbom.digest].sort(),
    );
    assert.deepEqual(top.index.manifests.map((d) => d.artifactType).sort(), [SBOM, SIGNATURE]);
    const second = await indexAt(`${destination.host}/app:${fallbackTag(referrers.sbom.digest)}`);
    assert.deepEqual(
      second.index.manifests.map((d) => d.digest),
      [referrers.sbomSignature.digest],
    );
    for (const referrer of Object.values(referrers))
      assert.equal((await raw(`${destination.host}/app@${referrer.digest}`)).digest, referrer.digest);

    const again = await mirrorImage(`${source.host}/app:1.0`, `${destination.host}/app`, { open, referrers: true });
    assert.equal(again.ok, true, JSON.stringify(again.items));
    assert.equal(again.totals.bytesUploaded, 0);
    assert.equal(again.totals.copied, 0, JSON.stringify(again.items));
    assert.equal((await indexAt(`${destination.host}/app:${fallbackTag(image)}`)).digest, top.digest);
  });

  test("entries the destination's fallback index already holds are kept", async () => {
    const image = images.ociSingle.root;
    const repo = { registry: destination.host, repository: "kept" };
    await pushImage(destination, "kept", images.ociSingle, ["1.0"]);
    const own = await pushReferrer(client, repo, image, SIGNATURE, "a signature only the destination has");
    const index = { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [own] };
    await client.pushManifest(repo, new TextEncoder().encode(JSON.stringify(index)), index.mediaType, {
      tag: fallbackTag(image.digest),
    });
    const report = await mirrorImage(`${source.host}/app:1.0`, `${destination.host}/kept`, { open, referrers: true });
    assert.equal(report.ok, true, JSON.stringify(report.items));
    const merged = await indexAt(`${destination.host}/kept:${fallbackTag(image.digest)}`);
    assert.deepEqual(
      merged.index.manifests.map((d) => d.digest).sort(),
      [own.digest, referrers.signature.digest, referrers.sbom.digest].sort(),
    );
  });

  test("from a registry without the API its sha256-<hex> index is read; a destination with the API indexes them itself", async () => {
    const image = images.ociSingle.root;
    const plain = { registry: upstream.host, repository: "plain" };
    await pushImage(upstream, "plain", images.ociSingle, ["1.0"]);
    const signature = await pushReferrer(client, plain, image, SIGNATURE, "signature of the image");
    const index = { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [signature] };
    await client.pushManifest(plain, new TextEncoder().encode(JSON.stringify(index)), index.mediaType, {
      tag: fallbackTag(image.digest),
    });
    // The API-capable front stores into `upstream`: the copy lands in "indexed" there.
    const report = await mirrorImage(`${upstream.host}/plain:1.0`, `${source.host}/indexed`, { open, referrers: true });
    assert.equal(report.ok, true, JSON.stringify(report.items));
    const listed = await client.listReferrers({ registry: source.host, repository: "indexed" }, image.digest);
    assert.deepEqual(
      listed?.manifests.map((d) => d.digest),
      [signature.digest],
    );
    const tags = await client.listTags({ registry: upstream.host, repository: "indexed" });
    assert.deepEqual(tags, ["1.0"], "no fallback tag is written where the registry has the API");
  });

  test("a listed referrer whose manifest names another subject is left out of the index", async () => {
    source.behaviour = "wrong-subject";
    let report: MirrorReport;
    try {
      report = await mirrorImage(`${source.host}/app:1.0`, `${destination.host}/wrong`, { open, referrers: true });
    } finally {
      source.behaviour = "honest";
    }
    const failed = report.items.filter((i) => i.status === "failed");
    assert.ok(failed.length > 0);
    for (const item of failed) assert.match(item.error?.message ?? "", /as a referrer of .*: its manifest names/);
    const image = images.ociSingle.root.digest;
    const top = await indexAt(`${destination.host}/wrong:${fallbackTag(image)}`);
    assert.deepEqual(
      top.index.manifests.map((d) => d.digest).sort(),
      [referrers.signature.digest, referrers.sbom.digest].sort(),
    );
  });

  test("the CLI: dg mirror --referrers --json copies the referrers and their fallback index", async () => {
    const args = ["mirror", "--json", "--referrers", ...cliFlagsFor(destination)];
    const res = await runCli([...args, `${source.host}/app:1.0`, `${destination.host}/cli`]);
    assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    const report = JSON.parse(res.stdout.toString()) as MirrorReport;
    assert.equal(report.items.filter((i) => i.referrerOf !== undefined && i.result !== undefined).length, 3);
    const image = images.ociSingle.root.digest;
    const top = await indexAt(`${destination.host}/cli:${fallbackTag(image)}`);
    assert.equal(top.index.manifests.length, 2);
  });

  for (const [behaviour, code] of [
    ["huge", "MANIFEST_TOO_LARGE"],
    ["not-an-index", "REGISTRY_ERROR"],
    ["malformed-digest", "REGISTRY_ERROR"],
    ["foreign-link", "REDIRECT_REFUSED"],
  ] as const) {
    test(`a referrers answer that is ${behaviour} is refused with ${code}, and no referrer is written`, async () => {
      const foreign = await startCapturingOrigin();
      source.behaviour = behaviour;
      source.foreignUrl = foreign.url;
      let report: MirrorReport;
      try {
        report = await mirrorImage(`${source.host}/app:1.0`, `${destination.host}/${behaviour}`, {
          open,
          referrers: true,
        });
      } finally {
        source.behaviour = "honest";
        await foreign.stop();
      }
      assert.equal(report.ok, false);
      const failed = report.items.filter((i) => i.status === "failed");
      assert.equal(failed.length, 1, JSON.stringify(report.items));
      assert.equal(failed[0]?.error?.code, code, JSON.stringify(failed[0]));
      assert.match(failed[0]?.error?.message ?? "", /^Cannot list the referrers of /);
      assert.equal(foreign.requests.length, 0, "nothing was sent to the foreign origin");
      assert.equal(report.items.filter((i) => i.status === "copied").length, 1, "only the image was copied");
      const image = images.ociSingle.root.digest;
      assert.notEqual((await raw(`${destination.host}/${behaviour}:${fallbackTag(image)}`)).exitCode, 0);
      assert.notEqual((await raw(`${destination.host}/${behaviour}@${referrers.signature.digest}`)).exitCode, 0);
    });
  }
});
