import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { buildLayer } from "../../src/imagebuild/tar-layer.js";
import { MediaType } from "../../src/oci/media-types.js";
import type { VerifyReport } from "../../src/image/verify-report.js";
import { handmadeImage, handmadeLayer, type HandmadeLayer } from "../support/handmade-image.js";
import { noiseBytes, pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCliMeasured, type MeasuredRun } from "../support/run-cli-measured.js";

// Blobs stream: verifying a 64 MB layer must not cost 64 MB of memory. The
// CLI's peak RSS for a big image is compared with its peak for an image with
// an 8 MB layer: both then pay the streaming pipeline's fixed cost (read
// buffers, inflate windows, the garbage V8 lets pile up before it collects),
// which a tiny image never reaches, and the difference is what grows with
// the layer. Buffering the blob would add at least 56 MB.

const REPO = "memory/app";
const MB = 1024 * 1024;
const BIG = 64 * MB;
const BASELINE = 8 * MB;
const ALLOWED_GROWTH = 48 * MB;

describe("verify streams in constant memory", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  const ref = (tag: string) => `${registry.host}/${REPO}:${tag}`;

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    const small = await handmadeLayer([{ path: "etc/small", content: "small\n" }], "gzip");
    const big = await noiseLayer("big", BIG);
    assert.ok(big.bytes.length >= BIG);
    await pushImage(registry, REPO, handmadeImage([small, await noiseLayer("baseline", BASELINE)]), ["baseline"]);
    await pushImage(registry, REPO, handmadeImage([small, big]), ["big"]);
  });
  after(async () => {
    await registry?.stop();
  });

  const verified = (run: MeasuredRun): VerifyReport => {
    assert.equal(run.exitCode, 0, run.stderr);
    const report = (JSON.parse(run.stdout) as { reports: VerifyReport[] }).reports[0];
    assert.ok(report !== undefined && report.ok);
    return report;
  };

  for (const mode of [[], ["--deep"]]) {
    test(`peak RSS of verify ${mode.join(" ")} grows far less than the 64 MB layer`.replace("  ", " "), async (t) => {
      const baseline = await runCliMeasured(["verify", "--json", ...mode, ref("baseline")]);
      const run = await runCliMeasured(["verify", "--json", ...mode, ref("big")]);
      verified(baseline);
      const report = verified(run);
      assert.ok(report.totals.bytes >= BIG, "the big layer was really read");
      if (mode.length > 0) assert.equal(report.blobs.filter((b) => b.diffId?.status === "ok").length, 2);
      const growth = run.maxRssBytes - baseline.maxRssBytes;
      t.diagnostic(
        `peak RSS ${(baseline.maxRssBytes / MB).toFixed(1)} MB for the 8 MB one, ${(run.maxRssBytes / MB).toFixed(1)} MB for the 64 MB one`,
      );
      assert.ok(growth < ALLOWED_GROWTH, `peak RSS grew by ${(growth / MB).toFixed(1)} MB for a ${BIG / MB} MB layer`);
    });
  }
});

/** An incompressible layer at gzip level 1: the blob is as big as its content. */
async function noiseLayer(seed: string, size: number): Promise<HandmadeLayer> {
  const tar = await buildLayer([{ path: "opt/big.bin", content: noiseBytes(`memory-${seed}`, size) }], {
    compression: "none",
  });
  return {
    bytes: new Uint8Array(gzipSync(tar.bytes, { level: 1 })),
    mediaType: MediaType.ociLayerGzip,
    diffId: tar.diffId,
  };
}
