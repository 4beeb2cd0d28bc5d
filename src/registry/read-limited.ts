import type { Readable } from "node:stream";
import { DigestguardError } from "../errors/error.js";

/**
 * Read a whole response body, but refuse — and stop reading — once it grows
 * past `limit` bytes, so a hostile registry cannot make us buffer a blob
 * it calls a manifest.
 *
 * @example
 * ```ts
 * const bytes = await readLimited(res.body, MAX_MANIFEST_BYTES, "manifest app:1");
 * ```
 */
export async function readLimited(body: Readable, limit: number, what: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) {
        throw new DigestguardError("MANIFEST_TOO_LARGE", `Cannot read ${what}: it is larger than the ${limit}-byte limit.`);
      }
      chunks.push(chunk);
    }
  } finally {
    body.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}
