import { Readable } from "node:stream";
import { DigestguardError } from "../errors/error.js";
import { MAX_MANIFEST_BYTES } from "../oci/manifest.js";
import { firstHeader, type HttpResponse } from "./http-transport.js";
import { readLimited } from "./read-limited.js";

// Tag pages and other small answers; a manifest has its own, smaller cap.
const DOCUMENT_LIMIT = 16 << 20;

/**
 * Read a small document's whole body (a manifest, a tag page) into memory,
 * within its cap, and hand back the response with a replayable body. Reading
 * it here — inside the request's attempt and its deadline — means a body that
 * stalls or trickles is retried like any other temporary failure, instead of
 * failing later in the caller's hands.
 *
 * @example
 * ```ts
 * const res = await bufferedDocument(await http.send(request), "manifests/1.0", "fetch manifest app:1.0");
 * ```
 */
export async function bufferedDocument(response: HttpResponse, path: string, doing: string): Promise<HttpResponse> {
  const manifest = isManifestSized(path);
  const limit = manifest ? MAX_MANIFEST_BYTES : DOCUMENT_LIMIT;
  const code = manifest ? "MANIFEST_TOO_LARGE" : "REGISTRY_ERROR";
  const declared = Number(firstHeader(response.headers, "content-length"));
  if (Number.isSafeInteger(declared) && declared > limit) {
    response.body.destroy();
    throw new DigestguardError(
      code,
      `Cannot ${doing}: the answer declares ${declared} bytes, over the ${limit}-byte limit.`,
    );
  }
  const bytes = await readLimited(response.body, limit, `the answer to "${doing}"`, code);
  return { ...response, body: replayable(bytes) };
}

// A referrers answer is an image index: it gets a manifest's cap, on every page (a next page comes as a whole URL).
function isManifestSized(path: string): boolean {
  if (/^(?:manifests|referrers)\//.test(path)) return true;
  return /^https?:\/\//.test(path) && /^\/v2\/.+\/referrers\/[^/]+$/.test(new URL(path).pathname);
}

function replayable(bytes: Uint8Array): HttpResponse["body"] {
  const body = Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]) as Readable &
    Record<string, unknown>;
  body["dump"] = async () => void body.destroy();
  body["text"] = async () => Buffer.from(bytes).toString("utf8");
  return body as unknown as HttpResponse["body"];
}
