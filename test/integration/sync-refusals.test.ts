import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { buildFixtureImages, type FixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { tempFolders } from "../support/temp-folders.js";

const tempFolder = tempFolders("sync-refusals");

interface Report {
  ok: boolean;
  images: { target: string; tags: { status: string; error?: { code: string; message: string } }[] }[];
}

// A target registry that refuses some pushes (no permission, no quota): the
// refused image fails with a reason a person can act on, the others are copied.
describe("dg sync to a target refusing some images", { skip: registrySkipReason() }, () => {
  let source: RunningRegistry;
  let target: RunningRegistry;
  let guard: FaultProxy;
  let images: FixtureImages;

  before(async () => {
    [source, target, images] = await Promise.all([
      startRegistry({ mode: "http" }),
      startRegistry({ mode: "http" }),
      buildFixtureImages("sync-refusals"),
    ]);
    await pushImage(source, "team/unauthorized", images.ociSingle, ["1.0"]);
    await pushImage(source, "team/forbidden", images.dockerSingle, ["1.0"]);
    await pushImage(source, "team/over-quota", images.ociIndex, ["1.0"]);
    await pushImage(source, "team/fine", images.dockerList, ["1.0"]);
    guard = await startFaultProxy(target);
  });
  after(async () => {
    await guard?.stop();
    await Promise.all([source?.stop(), target?.stop()]);
  });

  test("401, 403 and 413 (quota) each fail their image with the reason; the last image is copied", async () => {
    const errors = (code: string, message: string) => JSON.stringify({ errors: [{ code, message }] });
    guard.setFaults([
      {
        match: { method: "POST", path: /\/unauthorized\/blobs\/uploads\/$/ },
        fault: { type: "status", status: 401, body: errors("UNAUTHORIZED", "authentication required") },
      },
      {
        match: { method: "PUT", path: /\/forbidden\/manifests\// },
        fault: { type: "status", status: 403, body: errors("DENIED", "requested access to the resource is denied") },
      },
      {
        match: { method: "PUT", path: /\/over-quota\/manifests\// },
        fault: { type: "status", status: 413, body: errors("SIZE_INVALID", "storage quota exceeded") },
      },
    ]);
    const config = join(await tempFolder(), "digestguard.yaml");
    await writeFile(
      config,
      [
        "version: 1",
        "sync:",
        "  version: 1",
        `  target: "${guard.host}/{repo}"`,
        "  images:",
        ...["unauthorized", "forbidden", "over-quota", "fine"].map(
          (name) => `    - source: ${source.host}/team/${name}`,
        ),
        "",
      ].join("\n"),
    );
    const res = await runCli(["sync", "--once", "--json", "--config", config]);
    assert.notEqual(res.exitCode, 0, res.stderr);
    const report = JSON.parse(res.stdout.toString()) as Report;
    const byName = Object.fromEntries(report.images.map((image) => [image.target.split("/").at(-1), image.tags[0]]));
    assert.equal(report.ok, false);
    assert.equal(byName["fine"]?.status, "copied", JSON.stringify(report));
    // A refused size is the registry's limit, not bad content: never an integrity code.
    for (const [name, code, pattern] of [
      ["unauthorized", "UNAUTHORIZED", /401 .*authentication required.*--creds/],
      ["forbidden", "DENIED", /403 .*denied.*--creds/],
      ["over-quota", "REGISTRY_ERROR", /413 .*storage quota exceeded.*size limit or quota/],
    ] as const) {
      const tag = byName[name];
      assert.equal(tag?.status, "failed", name);
      assert.equal(tag?.error?.code, code, name);
      assert.doesNotMatch(tag?.error?.message ?? "", /:sha256:/, "a digest reference is written name@digest");
      assert.match(tag?.error?.message ?? "", pattern, name);
      assert.match(tag?.error?.message ?? "", /^Cannot /, `${name}: ${tag?.error?.message}`);
    }
  });
});
