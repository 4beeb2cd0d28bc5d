import { mapConcurrent } from "../async/map-concurrent.js";
import { DigestguardError } from "../errors/error.js";
import type { Platform } from "../oci/descriptor.js";
import { INDEX_MEDIA_TYPES } from "../oci/media-types.js";
import { formatPlatform } from "../oci/platform.js";
import { selectPlatform } from "../oci/select-platform.js";
import type { OpenedLocation } from "../store/open-location.js";

/**
 * One resolved reference. `kind` says which digest this is — the
 * multi-platform index, a single image manifest, or one platform's manifest
 * taken from an index — because pinning the wrong one is the most common
 * digest-pinning mistake.
 */
export interface DigestResult {
  input: string;
  reference?: string;
  digest?: string;
  mediaType?: string;
  size?: number;
  kind?: "index" | "image" | "platform-image";
  platform?: string;
  /** The index a platform manifest was selected from. */
  indexDigest?: string;
  /** The host that answered (a registry or its mirror); absent for local stores. */
  source?: string;
  /** True when `source` is a mirror. */
  mirror?: boolean;
  /** Set when a platform was asked for but the reference is a single image (its platform is not checked). */
  note?: string;
  error?: { code: string; message: string; exitCode: number };
}

/** Options for {@link resolveDigests}. */
export interface ResolveDigestsOptions {
  open: (text: string) => Promise<OpenedLocation>;
  platform?: Platform;
  /** References resolved at once; default 8. */
  concurrency?: number;
  signal?: AbortSignal;
}

/**
 * Resolve many references to digests in one go: HEAD first (GET only when
 * the store gives no digest), bounded concurrency, and one result per input
 * in input order — failures included, so one bad reference does not hide
 * the rest.
 *
 * @example
 * ```ts
 * const results = await resolveDigests(["127.0.0.1:5000/app:1"], { open: (t) => openLocation(t, { client }) });
 * ```
 */
export async function resolveDigests(
  inputs: readonly string[],
  options: ResolveDigestsOptions,
): Promise<DigestResult[]> {
  const settled = await mapConcurrent(inputs, options.concurrency ?? 8, (input) => resolveOne(input, options));
  return settled.map((result, i) => {
    if (result.status === "fulfilled") return result.value;
    const error =
      result.reason instanceof DigestguardError
        ? result.reason
        : new DigestguardError("IO", `Cannot resolve ${inputs[i]}: ${String(result.reason)}`);
    return {
      input: inputs[i] as string,
      error: { code: error.code, message: error.message, exitCode: error.exitCode },
    };
  });
}

async function resolveOne(input: string, options: ResolveDigestsOptions): Promise<DigestResult> {
  const { store, target, display } = await options.open(input);
  const descriptor = await store.resolve(target, { signal: options.signal });
  const isIndex = INDEX_MEDIA_TYPES.includes(descriptor.mediaType);
  const base = { input, reference: display, ...answered(descriptor) };
  if (options.platform === undefined || !isIndex) {
    const note =
      options.platform !== undefined
        ? "not an index: this is the image's own digest; its platform was not checked"
        : undefined;
    return { ...base, ...pick(descriptor), kind: isIndex ? "index" : "image", ...(note ? { note } : {}) };
  }
  const index = await store.fetchManifest({ digest: descriptor.digest }, { signal: options.signal });
  if (index.manifest.kind !== "index")
    throw new DigestguardError("MANIFEST_INVALID", `Cannot select a platform in ${display}: it is not an index.`);
  const child = selectPlatform(index.manifest, options.platform, display);
  return {
    ...base,
    ...pick(child),
    kind: "platform-image",
    platform: formatPlatform(child.platform ?? options.platform),
    indexDigest: descriptor.digest,
  };
}

function answered(d: { source?: string; mirror?: boolean }): Pick<DigestResult, "source" | "mirror"> {
  return d.source === undefined ? {} : { source: d.source, mirror: d.mirror === true };
}

function pick(d: {
  digest: string;
  mediaType: string;
  size: number;
}): Pick<DigestResult, "digest" | "mediaType" | "size"> {
  return { digest: d.digest, mediaType: d.mediaType, size: d.size };
}
