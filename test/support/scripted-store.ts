import { Readable } from "node:stream";
import { DigestguardError } from "../../src/errors/error.js";
import type { Descriptor } from "../../src/oci/descriptor.js";
import type { FetchedManifest } from "../../src/oci/manifest.js";
import type { ContentStore } from "../../src/store/content-store.js";

/** One scripted answer to `openBlobAt`: where the bytes start, the bytes, and how the stream ends. */
export interface ScriptedRead {
  /** Where the served bytes really start; default: the offset asked for. */
  offset?: number;
  bytes: Uint8Array;
  /** Destroy the stream with this error after the bytes instead of ending it. */
  error?: DigestguardError;
}

/**
 * A {@link ContentStore} whose only working call is `openBlobAt`, answered
 * by `script(offset, call)`; it records every offset asked for. For unit
 * tests of readers that resume.
 *
 * @example
 * ```ts
 * const store = scriptedStore((offset) => ({ bytes: blob.subarray(offset) }));
 * ```
 */
export function scriptedStore(
  script: (offset: number, call: number) => ScriptedRead | Promise<ScriptedRead>,
): ContentStore & { offsets: number[] } {
  const offsets: number[] = [];
  const unsupported = (what: string) => (): never => {
    throw new DigestguardError("UNSUPPORTED", `Cannot ${what}: the scripted store only serves openBlobAt.`);
  };
  return {
    location: "scripted:",
    offsets,
    resolve: unsupported("resolve"),
    fetchManifest: unsupported("fetch a manifest") as () => Promise<FetchedManifest>,
    fetchBlob: unsupported("fetch a blob"),
    exists: unsupported("check existence"),
    pushBlob: unsupported("push a blob"),
    pushManifest: unsupported("push a manifest"),
    listTags: unsupported("list tags"),
    async openBlobAt(_descriptor: Descriptor, offset: number) {
      offsets.push(offset);
      const read = await script(offset, offsets.length);
      return { stream: servedStream(read), offset: read.offset ?? offset };
    },
  };
}

function servedStream(read: ScriptedRead): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    // Two chunks, so consumers see a body arrive in pieces.
    const half = Math.floor(read.bytes.length / 2);
    if (half > 0) yield Buffer.from(read.bytes.subarray(0, half));
    if (read.bytes.length > half) yield Buffer.from(read.bytes.subarray(half));
    if (read.error !== undefined) throw read.error;
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** A temporary network failure, as the transport raises for a cut connection. */
export function connectionLost(): DigestguardError {
  return new DigestguardError("NETWORK", "Cannot reach scripted: connection reset.", { temporary: true });
}
