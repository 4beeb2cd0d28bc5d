import { mapConcurrent } from "../async/map-concurrent.js";
import { isAborted } from "../errors/predicates.js";
import type { Descriptor, Platform } from "../oci/descriptor.js";
import type { ImageConfig } from "../oci/image-config.js";
import type { ContentStore, Target } from "../store/content-store.js";
import { warmLocalBlobProofs } from "../store/local-blob-proof.js";
import { walkImage, type ImageTree, type WalkedImage } from "./walk-image.js";
import { readImageConfig } from "./read-image-config.js";
import { verifyBlob } from "./verify-blob.js";
import { checkFailure, type BlobCheck, type ManifestCheck, type VerifyReport } from "./verify-report.js";

/** Receives progress while layers stream; the CLI draws it on a TTY. */
export interface VerifyProgress {
  /** Called once per image with its unique layers' bytes and count; several images may add up. */
  start(totalBytes: number, blobs: number): void;
  advance(bytes: number): void;
  /** Called once per unique layer, as soon as its read ends (verified or not). */
  blobDone(digest: string): void;
}

/** Options for {@link verifyImage}. */
export interface VerifyImageOptions {
  display: string;
  platform?: Platform;
  mode?: VerifyReport["mode"];
  /** Blobs verified at once; default 3. */
  concurrency?: number;
  signal?: AbortSignal;
  progress?: VerifyProgress;
}

/**
 * Prove an image byte for byte: fetch the manifest (every platform of an
 * index, or one), then stream every config and layer and check size and
 * digest against its descriptor — and with mode `deep` each layer's
 * uncompressed digest against the config's `rootfs.diff_ids`. Failures are
 * collected, not thrown: the report names platform, role, layer index,
 * expected vs actual, and what the mismatch means.
 *
 * @example
 * ```ts
 * const report = await verifyImage(store, { tag: "1.0" }, { display: "app:1.0", mode: "deep" });
 * if (!report.ok) process.exitCode = 6;
 * ```
 */
export async function verifyImage(
  store: ContentStore,
  target: Target,
  options: VerifyImageOptions,
): Promise<VerifyReport> {
  const started = Date.now();
  const mode = options.mode ?? "full";
  // Local blobs are hashed in worker threads: start them while the manifests are read.
  if (mode !== "manifests-only" && store.localBlobPath !== undefined) warmLocalBlobProofs();
  const report: VerifyReport = {
    schemaVersion: 1,
    reference: options.display,
    mode,
    ok: false,
    manifests: [],
    blobs: [],
    problems: [],
    totals: { blobs: 0, bytes: 0, failed: 0, seconds: 0 },
  };
  let tree: ImageTree;
  try {
    tree = await walkImage(store, target, {
      platform: options.platform,
      what: options.display,
      signal: options.signal,
    });
  } catch (error) {
    if (isAborted(error)) throw error;
    const unknown = `the manifest could not be read, so its media type, size${target.digest === undefined ? " and digest are" : " are"} unknown`;
    report.manifests.push({
      ...(target.digest !== undefined ? { digest: target.digest } : {}),
      status: "failed",
      failure: checkFailure(error),
      unknown,
    });
    return finish(report, started);
  }
  report.digest = tree.root.digest;
  report.kind = tree.root.manifest.kind;
  recordManifests(report, tree);
  const configs = await checkConfigs(store, tree.images, report, options);
  if (mode !== "manifests-only") await checkLayers(store, tree.images, configs, report, options);
  else
    for (const image of tree.images)
      image.layers.forEach((layer, i) => report.blobs.push(blobCheck(image, layer, "layer", i, "skipped")));
  return finish(report, started);
}

function recordManifests(report: VerifyReport, tree: ImageTree): void {
  const ok = (platform: string | undefined, d: Descriptor): ManifestCheck => ({
    ...(platform ? { platform } : {}),
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    status: "ok",
  });
  report.manifests.push(
    ok(undefined, { mediaType: tree.root.mediaType, digest: tree.root.digest, size: tree.root.size }),
  );
  if (tree.root.manifest.kind === "index") {
    for (const image of tree.images)
      report.manifests.push(
        ok(image.platform, {
          mediaType: image.manifest.mediaType,
          digest: image.manifest.digest,
          size: image.manifest.size,
        }),
      );
  }
  for (const f of tree.failures) {
    report.manifests.push({
      ...(f.platform ? { platform: f.platform } : {}),
      mediaType: f.descriptor.mediaType,
      digest: f.descriptor.digest,
      size: f.descriptor.size,
      status: "failed",
      failure: checkFailure(f.error),
    });
  }
}

async function checkConfigs(
  store: ContentStore,
  images: WalkedImage[],
  report: VerifyReport,
  options: VerifyImageOptions,
): Promise<Map<WalkedImage, ImageConfig>> {
  const configs = new Map<WalkedImage, ImageConfig>();
  for (const image of images) {
    try {
      const config = await readImageConfig(store, image.config, options);
      configs.set(image, config);
      report.blobs.push(blobCheck(image, image.config, "config", undefined, "ok"));
      if (!image.attestation && config.rootfs.diff_ids.length !== image.layers.length) {
        report.problems.push({
          ...(image.platform ? { platform: image.platform } : {}),
          message: `the manifest lists ${image.layers.length} layers but the config lists ${config.rootfs.diff_ids.length} diff_ids`,
        });
      }
    } catch (error) {
      if (isAborted(error)) throw error;
      report.blobs.push({
        ...blobCheck(image, image.config, "config", undefined, "failed"),
        failure: checkFailure(error),
      });
    }
  }
  return configs;
}

async function checkLayers(
  store: ContentStore,
  images: WalkedImage[],
  configs: Map<WalkedImage, ImageConfig>,
  report: VerifyReport,
  options: VerifyImageOptions,
): Promise<void> {
  const unique = [...new Map(images.flatMap((image) => image.layers.map((l) => [l.digest, l] as const))).values()];
  options.progress?.start(
    unique.reduce((sum, l) => sum + l.size, 0),
    unique.length,
  );
  const deep = options.mode === "deep";
  // Decompressing is CPU-bound and buffers per stream: two at once keep both cores busy within the memory budget.
  const settled = await mapConcurrent(unique, options.concurrency ?? (deep ? 2 : 3), async (layer) => {
    try {
      return await verifyBlob(store, layer, {
        deep,
        signal: options.signal,
        onBytes: options.progress?.advance.bind(options.progress),
      });
    } finally {
      options.progress?.blobDone(layer.digest);
    }
  });
  const results = new Map(unique.map((layer, i) => [layer.digest, settled[i]] as const));
  for (const image of images) {
    image.layers.forEach((layer, index) => {
      const outcome = results.get(layer.digest);
      if (outcome?.status === "rejected" && isAborted(outcome.reason)) throw outcome.reason;
      const check =
        outcome?.status === "fulfilled"
          ? {
              ...blobCheck(image, layer, "layer", index, "ok"),
              ...(outcome.value.resumes > 0 ? { resumes: outcome.value.resumes } : {}),
            }
          : { ...blobCheck(image, layer, "layer", index, "failed"), failure: checkFailure(outcome?.reason) };
      if (deep && outcome?.status === "fulfilled")
        compareDiffId(check, outcome.value.uncompressedDigest, configs.get(image), index, image.attestation);
      report.blobs.push(check);
    });
  }
}

function compareDiffId(
  check: BlobCheck,
  actual: string | undefined,
  config: ImageConfig | undefined,
  index: number,
  attestation: boolean,
): void {
  const expected = config?.rootfs.diff_ids[index];
  if (attestation || expected === undefined || actual === undefined) {
    check.diffId = {
      ...(actual ? { actual } : {}),
      status: "unchecked",
      why: attestation ? "attestation layer" : "no diff_id for this layer in the config",
    };
    return;
  }
  check.diffId = { expected, actual, status: expected === actual ? "ok" : "failed" };
  if (expected !== actual) {
    check.status = "failed";
    check.failure = {
      code: "DIFF_ID_MISMATCH",
      meaning: "the compressed blob is intact, but its uncompressed content differs from the config's diff_id",
      message: `Layer ${index} decompresses to ${actual}, but the config's rootfs.diff_ids[${index}] is ${expected}.`,
      expectedDigest: expected,
      actualDigest: actual,
    };
  }
}

function blobCheck(
  image: WalkedImage,
  d: Descriptor,
  role: BlobCheck["role"],
  layerIndex: number | undefined,
  status: BlobCheck["status"],
): BlobCheck {
  return {
    role,
    ...(image.platform ? { platform: image.platform } : {}),
    ...(layerIndex !== undefined ? { layerIndex } : {}),
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    status,
  };
}

function finish(report: VerifyReport, started: number): VerifyReport {
  const failedManifests = report.manifests.filter((m) => m.status === "failed").length;
  const failedBlobs = report.blobs.filter((b) => b.status === "failed").length;
  report.totals = {
    blobs: report.blobs.filter((b) => b.status !== "skipped").length,
    bytes: report.blobs.filter((b) => b.status === "ok").reduce((sum, b) => sum + b.size, 0),
    failed: failedManifests + failedBlobs + report.problems.length,
    seconds: Number(((Date.now() - started) / 1000).toFixed(3)),
  };
  report.ok = report.totals.failed === 0;
  return report;
}
