import type { Readable } from "node:stream";
import { isAborted } from "../errors/predicates.js";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { CallOptions, ContentStore } from "../store/content-store.js";

/** How a blob came to be at the destination. */
export type BlobOutcome = "present" | "mounted" | "uploaded";

/** Options for {@link copyBlob}. */
export interface CopyBlobOptions extends CallOptions {
  /** Stores of the destination's registry that may hold the blob already (for a mount). */
  mountFrom?: readonly ContentStore[];
  /** Source bytes as they are read, for progress. */
  onBytes?: (count: number) => void;
  /** Whole-blob attempts when an upload fails temporarily; default 3. */
  attempts?: number;
}

/**
 * Make one blob present at `destination`: nothing when it is there already
 * (HEAD), a cross-repository mount when the destination's registry has it
 * in another repository, else the source's verified read streamed into the
 * destination's push. Bytes that fail verification error the stream, so
 * the upload is never committed. A temporary failure (a reset, a 5xx)
 * restarts the whole blob with a fresh read and a fresh upload session.
 *
 * @example
 * ```ts
 * const outcome = await copyBlob(source, destination, layer, { signal }); // "uploaded"
 * ```
 */
export async function copyBlob(
  source: ContentStore,
  destination: ContentStore,
  blob: Descriptor,
  options: CopyBlobOptions = {},
): Promise<BlobOutcome> {
  const { signal } = options;
  if (await destination.exists(blob, { signal })) return "present";
  for (const from of options.mountFrom ?? []) {
    if (await tryMount(destination, blob, from, signal)) return "mounted";
  }
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    let stream: Readable | undefined;
    let sourceError: unknown;
    try {
      stream = await source.fetchBlob(blob, {
        signal,
        ...(options.onBytes === undefined ? {} : { onBytes: options.onBytes }),
      });
      stream.once("error", (error) => {
        sourceError = error;
      });
      await destination.pushBlob(blob, stream, { signal });
      return "uploaded";
    } catch (caught) {
      stream?.destroy();
      // The upload only saw its body break; the source's verified read says why (bad bytes, a truncated blob).
      const error = sourceError ?? caught;
      if (attempt >= attempts || isAborted(error) || !(error instanceof DigestguardError) || !error.temporary)
        throw error;
    }
  }
}

// A refused mount is no failure: the bytes are simply uploaded instead.
async function tryMount(
  destination: ContentStore,
  blob: Descriptor,
  from: ContentStore,
  signal?: AbortSignal,
): Promise<boolean> {
  if (destination.mountBlob === undefined) return false;
  try {
    return await destination.mountBlob(blob, from, { signal });
  } catch (error) {
    if (isAborted(error)) throw error;
    return false;
  }
}
