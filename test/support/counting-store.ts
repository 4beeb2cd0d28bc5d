import { Transform } from "node:stream";
import type { Descriptor } from "../../src/oci/descriptor.js";
import type { CallOptions, ContentStore } from "../../src/store/content-store.js";

/** A store wrapper that counts what its `openBlobAt` served. */
export interface CountingStore extends ContentStore {
  /** Every offset asked for, in order. */
  readonly offsets: number[];
  /** Body bytes handed out by `openBlobAt`. */
  readonly served: { bytes: number };
}

/**
 * Wrap a store so a test can see how many blob bytes were read from it and
 * from which offsets (to prove a resume fetched only the remainder).
 *
 * @example
 * ```ts
 * const counted = countingStore(layout);
 * await cache.ingest(counted, layer);
 * counted.served.bytes; // bytes actually read from the layout
 * ```
 */
export function countingStore(store: ContentStore): CountingStore {
  const offsets: number[] = [];
  const served = { bytes: 0 };
  return Object.assign(Object.create(store) as ContentStore, {
    offsets,
    served,
    // Reads must pass through openBlobAt to be counted, so no local file path is offered.
    localBlobPath: () => undefined,
    openBlobAt: async (descriptor: Descriptor, offset: number, options?: CallOptions) => {
      offsets.push(offset);
      const opened = await store.openBlobAt(descriptor, offset, options);
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          served.bytes += chunk.length;
          callback(null, chunk);
        },
      });
      opened.stream.on("error", (error) => counter.destroy(error));
      return { offset: opened.offset, stream: opened.stream.pipe(counter) };
    },
  });
}
