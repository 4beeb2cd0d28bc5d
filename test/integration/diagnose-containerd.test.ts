import assert from "node:assert/strict";
import { readFile, writeFile, chmod } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { buildImage, type BuiltImage } from "../../src/imagebuild/image.js";
import { digestOf } from "../../src/oci/digest.js";
import { containerdTool, startContainerd, type RunningContainerd } from "../support/containerd.js";
import { builtLayer, noiseBytes, pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { toolSkipReason } from "../support/require-tool.js";
import { runCli } from "../support/run-cli.js";

// The bad copy is where the builder keeps it: the real containerd pulled an
// image from the loopback registry, then one byte of a layer went bad in its
// content store. The registry's copy is fine; diagnose must say the local
// containerd holds the corrupt copy and how to remove it there.

const REPO = "engine/app";

describe("diagnose reads containerd's content store", {
  skip: registrySkipReason() || toolSkipReason(containerdTool()),
}, () => {
  let registry: RunningRegistry;
  let containerd: RunningContainerd;
  let image: BuiltImage;
  const ref = () => `${registry.host}/${REPO}:1`;

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    image = await buildImage({
      flavour: "oci",
      platforms: [
        {
          os: "linux",
          architecture: "amd64",
          layers: [[{ path: "etc/app.bin", content: noiseBytes("engine", 16384) }]],
        },
      ],
    });
    await pushImage(registry, REPO, image, ["1"]);
    containerd = await startContainerd();
    await containerd.ctr(["content", "fetch", "--plain-http", "--platform", "linux/amd64", ref()]);
  });
  after(async () => {
    await containerd?.stop();
    await registry?.stop();
  });

  it("names the local containerd as the holder of the corrupt layer, with ctr's remedy", async () => {
    const layer = builtLayer(image, 0, 0).descriptor;
    const path = containerd.blobPath(layer.digest);
    const bytes = await readFile(path);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x01;
    await chmod(path, 0o644);
    await writeFile(path, bytes);
    const text = `ctr: failed commit on ref "layer-${layer.digest}": unexpected commit digest ${digestOf(new Uint8Array(bytes))}, expected ${layer.digest}: failed precondition`;
    const res = await runCli([
      "diagnose",
      "--json",
      "--no-cache",
      "--image",
      ref(),
      "--containerd-root",
      containerd.root,
      "--containerd-namespace",
      containerd.namespace,
      "--buildkit-root",
      `${containerd.root}/none`,
      text,
    ]);
    const report = JSON.parse(res.stdout.toString()) as {
      verdict: { cause: string; explanation: string; nextSteps: string[] };
      evidence: Array<{ kind: string; source: string; outcome: string }>;
    };
    assert.equal(res.exitCode, 0, res.stderr);
    assert.deepEqual(
      report.evidence.map((e) => [e.kind, e.outcome]),
      [
        ["registry", "ok"],
        ["engine", "mismatch"],
        ["engine", "absent"],
      ],
    );
    assert.equal(report.verdict.cause, "engine-holds-bad-copy");
    assert.match(
      report.verdict.explanation,
      new RegExp(`local containerd \\(${containerd.root}\\) holds a corrupt copy of layer 0`),
    );
    assert.ok(
      report.verdict.nextSteps.some((s) => s.includes(`ctr -n ${containerd.namespace} content rm ${layer.digest}`)),
      report.verdict.nextSteps.join("\n"),
    );
  });
});
