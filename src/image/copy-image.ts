import { mapConcurrent } from "../async/map-concurrent.js";
import { DigestguardError } from "../errors/error.js";
import { isNotFound } from "../errors/predicates.js";
import type { Descriptor, Platform } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import { manifestDescriptor, type FetchedManifest } from "../oci/manifest.js";
import type { CallOptions, ContentStore, Target } from "../store/content-store.js";
import { copyBlob, type BlobOutcome } from "./copy-blob.js";
import { planCopy } from "./copy-plan.js";
import { platformSubset } from "./platform-subset.js";

/** Progress of a copy: total bytes to move, bytes as they move, blobs done. */
export interface CopyProgress {
  start(totalBytes: number, blobs: number): void;
  advance(bytes: number): void;
  blobDone(blob: Descriptor, outcome: BlobOutcome): void;
}

/** Options for {@link copyImage}. */
export interface CopyImageOptions extends CallOptions {
  /** Tag to write at the destination (none: the manifest is stored by digest only). */
  tag?: string;
  /** The destination was named by digest: refuse to write anything else under it. */
  digest?: Digest;
  /** Copy only these platforms of an index (the written index then has a new digest). */
  platforms?: readonly Platform[];
  /** Copy non-distributable layers too (default: skipped, and reported). */
  includeForeign?: boolean;
  /** Blobs copied at once; default 4. */
  concurrency?: number;
  /** Other stores on the destination's registry to mount blobs from. */
  mountFrom?: readonly ContentStore[];
  progress?: CopyProgress;
  /** What the source is, for messages. */
  what?: string;
}

/** What {@link copyImage} did. */
export interface CopyResult {
  status: "copied" | "up-to-date";
  /** The source's top manifest. */
  source: Descriptor;
  /** What was written (differs from `source` only for a platform subset). */
  written: Descriptor;
  subset: boolean;
  blobs: Record<BlobOutcome, number>;
  /** Bytes read from the source and sent to the destination. */
  bytesUploaded: number;
  manifestsPushed: number;
  /** Non-distributable layers left out. */
  foreign: Descriptor[];
}

/**
 * Copy an image (index or single manifest) from one store to another, any
 * direction: registry or OCI layout on either side. Digests are preserved:
 * every manifest is pushed with the exact bytes fetched. Safe order: every
 * blob under a manifest, and every child of an index, is present at the
 * destination before that manifest is pushed, and the tag moves last — so
 * an interrupted copy never leaves a tag naming incomplete content, and the
 * next run completes it. Idempotent: a destination that already has the
 * manifest under the tag moves nothing.
 *
 * @example
 * ```ts
 * const result = await copyImage(source, { tag: "3.19" }, destination, { tag: "3.19", signal });
 * console.log(result.status, result.bytesUploaded);
 * ```
 */
export async function copyImage(
  source: ContentStore,
  target: Target,
  destination: ContentStore,
  options: CopyImageOptions = {},
): Promise<CopyResult> {
  const { signal } = options;
  const original = await source.fetchManifest(target, { signal });
  const root =
    options.platforms === undefined || options.platforms.length === 0
      ? original
      : platformSubset(original, options.platforms, options.what ?? source.location);
  const result = emptyResult(original, root);
  checkDigestTarget(root, original, options.digest);
  if (await isUpToDate(destination, root, options.tag, signal)) return { ...result, status: "up-to-date" };
  const plan = await planCopy(source, destination, root, { signal, includeForeign: options.includeForeign === true });
  result.foreign = plan.foreign;
  options.progress?.start(
    plan.blobs.reduce((sum, blob) => sum + blob.size, 0),
    plan.blobs.length,
  );
  const outcomes = await mapConcurrent(plan.blobs, options.concurrency ?? 4, async (blob) => {
    const outcome = await copyBlob(source, destination, blob, {
      signal,
      ...(options.mountFrom === undefined ? {} : { mountFrom: options.mountFrom }),
      ...(options.progress === undefined ? {} : { onBytes: (count: number) => options.progress?.advance(count) }),
    });
    result.blobs[outcome]++;
    if (outcome === "uploaded") result.bytesUploaded += blob.size;
    options.progress?.blobDone(blob, outcome);
    return outcome;
  });
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  // No manifest is pushed over a missing blob: the destination keeps what it had.
  if (failed !== undefined) throw failed.reason;
  for (const manifest of plan.manifests) {
    const isRoot = manifest === root;
    await destination.pushManifest(manifest.bytes, manifest.mediaType, {
      signal,
      ...(isRoot && options.tag !== undefined ? { tag: options.tag } : {}),
    });
    result.manifestsPushed++;
  }
  return result;
}

function emptyResult(original: FetchedManifest, root: FetchedManifest): CopyResult {
  return {
    status: "copied",
    source: manifestDescriptor(original),
    written: manifestDescriptor(root),
    subset: root.digest !== original.digest,
    blobs: { present: 0, mounted: 0, uploaded: 0 },
    bytesUploaded: 0,
    manifestsPushed: 0,
    foreign: [],
  };
}

function checkDigestTarget(root: FetchedManifest, original: FetchedManifest, digest: Digest | undefined): void {
  if (digest === undefined || digest === root.digest) return;
  const why =
    root.digest !== original.digest
      ? `copying a subset of the platforms makes a new index, ${root.digest}, and it must not be stored under the original's digest`
      : `the source's manifest is ${root.digest}`;
  throw new DigestguardError(
    "USAGE",
    `Cannot write the copy under ${digest}: ${why}; name the destination by tag instead.`,
    {
      details: { requested: digest, written: root.digest },
    },
  );
}

async function isUpToDate(
  destination: ContentStore,
  root: FetchedManifest,
  tag: string | undefined,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    const found = await destination.resolve(tag === undefined ? { digest: root.digest } : { tag }, { signal });
    return found.digest === root.digest;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
