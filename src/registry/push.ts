import type { Readable } from "node:stream";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { digestOf } from "../oci/digest.js";
import type { Endpoint } from "./endpoints.js";
import { firstHeader } from "./http-transport.js";
import type { RequestSender } from "./request-sender.js";

/**
 * Upload a blob monolithically: POST to open an upload session, then one PUT
 * with the whole body and `?digest=`, which the registry checks before it
 * commits. A Uint8Array body can be retried; a stream cannot.
 *
 * @example
 * ```ts
 * await pushBlob(sender, endpoint, { registry, repository }, descriptor, bytes);
 * ```
 */
export async function pushBlob(
  sender: RequestSender,
  endpoint: Endpoint,
  repo: { registry: string; repository: string },
  descriptor: Descriptor,
  content: Uint8Array | Readable,
  signal?: AbortSignal,
): Promise<void> {
  const doing = `upload blob ${descriptor.digest} to ${repo.registry}/${repo.repository}`;
  const start = await sender.send(endpoint, repo.repository, {
    method: "POST", path: "blobs/uploads/", actions: ["pull", "push"], doing, signal,
    headers: { "content-length": "0" },
  });
  await start.body.dump();
  const location = firstHeader(start.headers, "location");
  if (start.status !== 202 || location === undefined) {
    throw new DigestguardError("REGISTRY_ERROR", `Cannot ${doing}: the registry answered ${start.status} without an upload location.`);
  }
  const url = new URL(location, start.url);
  url.searchParams.set("digest", descriptor.digest);
  let used = false;
  const put = await sender.send(endpoint, repo.repository, {
    method: "PUT", path: url.href, actions: ["pull", "push"], doing, signal,
    headers: { "content-type": "application/octet-stream", "content-length": String(descriptor.size) },
    body: () => {
      if (content instanceof Uint8Array) return content;
      if (used) throw new DigestguardError("NETWORK", `Cannot ${doing}: the upload failed and a stream cannot be sent twice.`);
      used = true;
      return content;
    },
  });
  await put.body.dump();
  if (put.status !== 201) {
    throw new DigestguardError("REGISTRY_ERROR", `Cannot ${doing}: the registry answered ${put.status} instead of 201 Created.`);
  }
}

/**
 * Upload a manifest's exact bytes under a tag (or under its own digest when no
 * tag is given), and check the registry stored the digest we computed.
 *
 * @example
 * ```ts
 * const desc = await pushManifest(sender, endpoint, repo, bytes, MediaType.ociIndex, { tag: "1.0" });
 * ```
 */
export async function pushManifest(
  sender: RequestSender,
  endpoint: Endpoint,
  repo: { registry: string; repository: string },
  bytes: Uint8Array,
  mediaType: string,
  options: { tag?: string; signal?: AbortSignal },
): Promise<Descriptor> {
  const digest = digestOf(bytes);
  const ref = options.tag ?? digest;
  const doing = `upload manifest ${repo.registry}/${repo.repository}:${ref}`;
  const res = await sender.send(endpoint, repo.repository, {
    method: "PUT", path: `manifests/${ref}`, actions: ["pull", "push"], doing, signal: options.signal,
    headers: { "content-type": mediaType, "content-length": String(bytes.length) },
    body: () => bytes,
  });
  await res.body.dump();
  const stored = firstHeader(res.headers, "docker-content-digest");
  if (stored !== undefined && stored !== digest) {
    throw new DigestguardError("DIGEST_MISMATCH", `Cannot trust ${doing}: the registry stored ${stored}, but the bytes sent hash to ${digest}.`);
  }
  return { mediaType, digest, size: bytes.length };
}
