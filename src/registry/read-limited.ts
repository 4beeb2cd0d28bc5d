import type { Readable } from "node:stream";
import { DigestguardError, type ErrorCode } from "../errors/error.js";

/**
 * Read a whole response body, but refuse — and stop reading — once it grows
 * past `limit` bytes, so a hostile registry cannot make us buffer a blob
 * it calls a manifest (or an endless token answer). `code` is the error
 * raised when the limit is passed.
 *
 * @example
 * ```ts
 * const bytes = await readLimited(res.body, MAX_MANIFEST_BYTES, "manifest app:1");
 * ```
 */
export async function readLimited(
  body: Readable,
  limit: number,
  what: string,
  code: ErrorCode = "MANIFEST_TOO_LARGE",
): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) {
        throw new DigestguardError(code, `Cannot read ${what}: it is larger than the ${limit}-byte limit.`);
      }
      chunks.push(chunk);
    }
  } finally {
    body.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}
