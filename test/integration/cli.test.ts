import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeImage } from "../../src/imagebuild/write-image.js";
import type { RegistryClient } from "../../src/registry/registry-client.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import { cliFlagsFor, clientFor } from "../support/client-for.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

describe("the digestguard CLI against the real registry", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let mirror: RunningRegistry;
  let client: RegistryClient;
  let images: FixtureImages;

  before(async () => {
    [registry, mirror] = await Promise.all([startRegistry({ mode: "token" }), startRegistry({ mode: "http" })]);
    client = clientFor(registry);
    images = await buildFixtureImages("cli");
    await writeImage(new RegistryStore(client, { registry: registry.host, repository: "team/app" }), images.ociIndex, {
      tags: ["1.0"],
    });
    const mirrorClient = clientFor(mirror);
    // The mirror keeps Docker Hub content under the "hub/" prefix, as a pull-through cache would.
    await writeImage(
      new RegistryStore(mirrorClient, { registry: mirror.host, repository: "hub/library/alpine" }),
      images.dockerList,
      { tags: ["3.19"] },
    );
    await mirrorClient.close();
  });
  after(async () => {
    await client?.close();
    await Promise.all([registry?.stop(), mirror?.stop()]);
  });

  const ref = () => `${registry.host}/team/app:1.0`;

  test("inspect --raw prints the exact bytes whose sha256 is the digest inspect shows", async () => {
    const raw = await runCli(["inspect", "--raw", ...cliFlagsFor(registry), ref()]);
    assert.equal(raw.exitCode, 0, raw.stderr);
    const json = await runCli(["inspect", "--json", ...cliFlagsFor(registry), ref()]);
    const report = JSON.parse(json.stdout.toString()) as {
      digest: string;
      kind: string;
      manifests: { platform: string }[];
    };
    assert.equal(`sha256:${createHash("sha256").update(raw.stdout).digest("hex")}`, report.digest);
    assert.equal(report.digest, images.ociIndex.root.digest);
    assert.equal(report.kind, "index");
    assert.deepEqual(
      report.manifests.map((m) => m.platform),
      ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"],
    );
  });

  test("digest says which digest it prints: index, or a platform's manifest", async () => {
    const index = await runCli(["digest", ...cliFlagsFor(registry), ref()]);
    assert.equal(index.exitCode, 0, index.stderr);
    assert.match(index.stdout.toString(), new RegExp(`^${images.ociIndex.root.digest}  .*index \\(multi-platform\\)`));
    const arm = await runCli(["digest", "--json", "--platform", "linux/arm64", ...cliFlagsFor(registry), ref()]);
    const [result] = (
      JSON.parse(arm.stdout.toString()) as { results: { kind: string; digest: string; indexDigest: string }[] }
    ).results;
    assert.equal(result?.kind, "platform-image");
    assert.equal(result?.indexDigest, images.ociIndex.root.digest);
    assert.notEqual(result?.digest, images.ociIndex.root.digest);
  });

  test("references on stdin, failures reported per reference with the exit code of the first", async () => {
    const input = `${ref()}\n# a comment\n${registry.host}/team/app:missing\n`;
    const res = await runCli(["digest", ...cliFlagsFor(registry)], { input });
    assert.equal(res.exitCode, 3, res.stderr);
    const lines = res.stdout.toString().trim().split("\n");
    assert.equal(lines.length, 2);
    assert.match(lines[1] as string, /^error .*MANIFEST_UNKNOWN/);
  });

  test("documented exit codes: usage 2, not found 3, auth 4", async () => {
    assert.equal((await runCli(["inspect", "Bad/Upper:case"])).exitCode, 2);
    assert.equal((await runCli(["inspect", "--platform", "linux", ref()])).exitCode, 2);
    assert.equal((await runCli(["inspect", ...cliFlagsFor(registry), `${registry.host}/team/nothing:1`])).exitCode, 3);
    const denied = await runCli([
      "inspect",
      "--ca-file",
      registry.caFile as string,
      "--creds",
      "tester:not-the-password",
      ref(),
    ]);
    assert.equal(denied.exitCode, 4, denied.stderr);
    assert.doesNotMatch(denied.stderr, /not-the-password/);
    assert.match(denied.stderr, /error (UNAUTHORIZED|DENIED)/);
  });

  test("a Docker Hub name is read through a configured mirror, offline", async () => {
    const res = await runCli(["digest", "--mirror", `docker.io=${mirror.host}/hub`, "alpine:3.19"]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.match(res.stdout.toString(), new RegExp(`^${images.dockerList.root.digest}  docker.io/library/alpine:3.19`));
    const log = await mirror.requestLog();
    assert.ok(
      log.some((r) => r.uri === "/v2/hub/library/alpine/manifests/3.19"),
      "the mirror served the manifest",
    );
  });

  test("tags lists the repository's tags", async () => {
    const res = await runCli(["tags", "--json", ...cliFlagsFor(registry), `${registry.host}/team/app`]);
    assert.equal(res.exitCode, 0, res.stderr);
    assert.deepEqual((JSON.parse(res.stdout.toString()) as { tags: string[] }).tags, ["1.0"]);
  });

  test("every command answers --help with examples", async () => {
    for (const command of ["inspect", "digest", "tags", "demo"]) {
      const res = await runCli([command, "--help"]);
      assert.equal(res.exitCode, 0);
      assert.match(res.stdout.toString(), /Example/);
    }
  });
});
