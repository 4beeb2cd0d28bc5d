import { DigestguardError } from "../errors/error.js";
import { verifyImage } from "../image/verify-image.js";
import { walkImage } from "../image/walk-image.js";
import type { Digest } from "../oci/digest.js";
import { parsePlatform } from "../oci/platform.js";
import { formatReference, parseReference } from "../oci/reference.js";
import type { Alternative, OpenOrigin } from "./alternative.js";
import type { DigestLocation } from "./locate-digest.js";
import type { PreviousPin } from "./previous-pins.js";

/** Bytes of layers verified for one earlier pin at most; larger images are not offered unverified. */
export const PREVIOUS_PIN_BYTE_BOUND = 1 << 30;

/**
 * Verify an earlier pin of the failing reference, whole (the failing
 * platform, or every platform when none is known) and within a byte bound,
 * through the store's verified read: offered as helping only when every
 * manifest, config and layer verifies now.
 *
 * @example
 * ```ts
 * const alternative = await checkPreviousPin(pin, location, { openOrigin, signal });
 * ```
 */
export async function checkPreviousPin(
  pin: PreviousPin,
  location: DigestLocation,
  options: { openOrigin: OpenOrigin; byteBound?: number; signal?: AbortSignal },
): Promise<Alternative> {
  const reference = formatReference({ ...parseReference(pin.reference), digest: pin.digest });
  const base = {
    kind: "previous-digest" as const,
    reference,
    from: `lockfile at ${pin.commit.slice(0, 12)} (${pin.date})`,
  };
  const failing = location.descriptor.digest;
  try {
    const { store } = await options.openOrigin(reference);
    const target = { digest: pin.digest as Digest };
    const platform = location.platform === undefined ? undefined : parsePlatform(location.platform);
    const tree = await walkImage(store, target, {
      signal: options.signal,
      what: reference,
      ...(platform ? { platform } : {}),
    });
    const carries = tree.images.some(
      (image) => image.config.digest === failing || image.layers.some((l) => l.digest === failing),
    );
    const bytes = tree.images.reduce((sum, image) => sum + image.layers.reduce((s, l) => s + l.size, 0), 0);
    const bound = options.byteBound ?? PREVIOUS_PIN_BYTE_BOUND;
    if (bytes > bound)
      return {
        ...base,
        helps: false,
        carriesFailingContent: carries,
        detail: `not verified: its layers are ${bytes} bytes, over the bound of ${bound}; check it with \`digestguard verify ${reference}\``,
      };
    const report = await verifyImage(store, target, {
      display: reference,
      signal: options.signal,
      ...(platform ? { platform } : {}),
    });
    if (report.ok) {
      const layer = carries ? "and serves the failing content intact" : "and does not use the failing content";
      return {
        ...base,
        helps: true,
        carriesFailingContent: carries,
        detail: `verified: the whole image verifies (${report.totals.blobs} blobs, ${report.totals.bytes} bytes) ${layer}`,
      };
    }
    return { ...base, helps: false, carriesFailingContent: carries, detail: `does not help: ${firstFailure(report)}` };
  } catch (error) {
    if (error instanceof DigestguardError && error.code === "ABORTED") throw error;
    return {
      ...base,
      helps: false,
      detail: `does not help: it could not be read (${error instanceof DigestguardError ? `${error.code}: ` : ""}${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

function firstFailure(report: Awaited<ReturnType<typeof verifyImage>>): string {
  const manifest = report.manifests.find((m) => m.status === "failed");
  if (manifest !== undefined)
    return `manifest ${manifest.digest} does not verify (${manifest.failure?.meaning ?? "failed"})`;
  const blob = report.blobs.find((b) => b.status === "failed");
  if (blob !== undefined)
    return `${blob.role}${blob.layerIndex !== undefined ? ` ${blob.layerIndex}` : ""} ${blob.digest} does not verify (${blob.failure?.meaning ?? "failed"})`;
  return report.problems[0]?.message ?? "it does not verify";
}
