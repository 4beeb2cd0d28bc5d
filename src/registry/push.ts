import { Readable } from "node:stream";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { digestOf } from "../oci/digest.js";
import { manifestPath } from "./manifest-path.js";
import type { Endpoint } from "./endpoints.js";
import { firstHeader, type HttpResponse } from "./http-transport.js";
import type { RequestSender } from "./request-sender.js";
import { BodySlicer } from "./upload-chunks.js";

/**
 * Blobs up to this size go up in one PUT with the body streamed; larger ones
 * in PATCH chunks. One request per blob: with 32 MiB chunks, each chunk's
 * round trip (and the registry's append) left the link idle, and a 530 MB
 * image went up 1.3× slower than `skopeo copy`.
 */
export const MONOLITHIC_MAX_BYTES = 2 * 1024 * 1024 * 1024;

/** Bytes per PATCH for blobs above {@link MONOLITHIC_MAX_BYTES}. */
export const CHUNK_BYTES = 256 * 1024 * 1024;

/** Bytes per PATCH for a registry that refused a whole blob in one body (a proxy's body limit). */
export const SMALL_CHUNK_BYTES = 32 * 1024 * 1024;

/** Options for {@link pushBlob}. */
export interface PushBlobOptions {
  signal?: AbortSignal;
  /** Largest blob sent in one PUT (default {@link MONOLITHIC_MAX_BYTES}). */
  monolithicMax?: number;
  /** Bytes per PATCH for larger blobs (default {@link CHUNK_BYTES}); raised to the registry's `OCI-Chunk-Min-Length`. */
  chunkSize?: number;
}

type Repo = { registry: string; repository: string };

/**
 * Upload a blob: POST opens an upload session; a blob up to
 * `monolithicMax` (or a byte array) then goes up in one PUT with `?digest=`,
 * its body streamed, and a larger stream in PATCH
 * chunks of at least the registry's `OCI-Chunk-Min-Length`, closed by a PUT
 * with `?digest=` — the registry checks the digest before it commits, so
 * bytes that do not match are never stored. Every `Location` form
 * (relative, absolute, with a query) is followed; one on another origin is
 * refused by the request sender. A failed upload is cancelled (DELETE), so
 * a retry starts a clean session.
 *
 * @example
 * ```ts
 * await pushBlob(sender, endpoint, { registry, repository }, descriptor, bytes, { signal });
 * ```
 */
export async function pushBlob(
  sender: RequestSender,
  endpoint: Endpoint,
  repo: Repo,
  descriptor: Descriptor,
  content: Uint8Array | Readable,
  options: PushBlobOptions = {},
): Promise<void> {
  const doing = `upload blob ${descriptor.digest} to ${repo.registry}/${repo.repository}`;
  const start = await sender.send(endpoint, repo.repository, {
    method: "POST",
    path: "blobs/uploads/",
    actions: ["pull", "push"],
    doing,
    signal: options.signal,
    headers: { "content-length": "0" },
  });
  await start.body.dump();
  let location = uploadLocation(start, 202, doing);
  const minChunk = Number(firstHeader(start.headers, "oci-chunk-min-length") ?? 0);
  const chunkSize = Math.max(options.chunkSize ?? CHUNK_BYTES, Number.isSafeInteger(minChunk) ? minChunk : 0);
  const session = { sender, endpoint, repo, doing, signal: options.signal };
  try {
    if (content instanceof Uint8Array || descriptor.size <= (options.monolithicMax ?? MONOLITHIC_MAX_BYTES)) {
      await finishUpload(session, location, descriptor, content, descriptor.size);
      return;
    }
    const slicer = new BodySlicer(content, descriptor, `blob ${descriptor.digest}`);
    for (let offset = 0; offset < descriptor.size; offset += chunkSize) {
      const length = Math.min(chunkSize, descriptor.size - offset);
      location = await patchChunk(session, location, slicer.next(length), offset, length);
    }
    await slicer.end();
    await finishUpload(session, location, descriptor, new Uint8Array(0), 0);
  } catch (error) {
    await cancelUpload(session, location);
    throw error;
  }
}

interface UploadSession {
  sender: RequestSender;
  endpoint: Endpoint;
  repo: Repo;
  doing: string;
  signal: AbortSignal | undefined;
}

async function patchChunk(
  session: UploadSession,
  location: URL,
  body: Readable,
  offset: number,
  length: number,
): Promise<URL> {
  const res = await session.sender.send(session.endpoint, session.repo.repository, {
    method: "PATCH",
    path: location.href,
    actions: ["pull", "push"],
    doing: session.doing,
    signal: session.signal,
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(length),
      "content-range": `${offset}-${offset + length - 1}`,
    },
    body: once(body, session.doing),
  });
  await res.body.dump();
  return uploadLocation(res, 202, session.doing);
}

async function finishUpload(
  session: UploadSession,
  location: URL,
  descriptor: Descriptor,
  body: Uint8Array | Readable,
  length: number,
): Promise<void> {
  const url = new URL(location.href);
  url.searchParams.set("digest", descriptor.digest);
  const put = await session.sender.send(session.endpoint, session.repo.repository, {
    method: "PUT",
    path: url.href,
    actions: ["pull", "push"],
    doing: session.doing,
    signal: session.signal,
    headers: { "content-type": "application/octet-stream", "content-length": String(length) },
    body: body instanceof Uint8Array ? () => body : once(body, session.doing),
    accept: [413],
  });
  await put.body.dump();
  if (put.status === 413) throw bodyRefused(session.doing, length);
  if (put.status !== 201) {
    throw new DigestguardError(
      "REGISTRY_ERROR",
      `Cannot ${session.doing}: the registry answered ${put.status} instead of 201 Created.`,
    );
  }
}

/**
 * Whether `error` is a registry (or a proxy before it) refusing a blob sent
 * in one body: the same blob goes up again in chunks.
 *
 * @example
 * ```ts
 * if (isBodyRefused(error)) chunkFrom.add(registry);
 * ```
 */
export function isBodyRefused(error: unknown): boolean {
  return error instanceof DigestguardError && error.details["bodyRefused"] === true;
}

// Temporary: the caller's retry reads the blob again and, knowing the limit, sends chunks.
function bodyRefused(doing: string, length: number): DigestguardError {
  return new DigestguardError(
    "REGISTRY_ERROR",
    `Cannot ${doing}: the registry refused a ${length}-byte body (413 Payload Too Large); it is sent again in chunks.`,
    { temporary: true, details: { status: 413, bodyRefused: true } },
  );
}

// Best effort: an upload the registry keeps open expires on its own anyway.
async function cancelUpload(session: UploadSession, location: URL): Promise<void> {
  try {
    const res = await session.sender.send(session.endpoint, session.repo.repository, {
      method: "DELETE",
      path: location.href,
      actions: ["pull", "push"],
      doing: `cancel ${session.doing}`,
      accept: [404],
    });
    await res.body.dump();
  } catch {
    // The upload failed already; that error is the one to report.
  }
}

function uploadLocation(res: HttpResponse, status: number, doing: string): URL {
  const location = firstHeader(res.headers, "location");
  if (res.status !== status || location === undefined) {
    throw new DigestguardError(
      "REGISTRY_ERROR",
      `Cannot ${doing}: the registry answered ${res.status} without an upload location.`,
    );
  }
  return new URL(location, res.url);
}

// A stream can be sent once; a retry of the request must fail, not send nothing.
function once(body: Readable, doing: string): () => Readable {
  let used = false;
  return () => {
    if (used)
      throw new DigestguardError("NETWORK", `Cannot ${doing}: the upload failed and a stream cannot be sent twice.`, {
        temporary: true,
      });
    used = true;
    return body;
  };
}

/**
 * Mount a blob from another repository of the same registry (no bytes
 * move). True when the registry mounted it (201); false when it opened an
 * upload instead (202), which is cancelled.
 *
 * @example
 * ```ts
 * if (!(await mountBlob(sender, endpoint, repo, digest, "library/alpine"))) await pushBlob(...);
 * ```
 */
export async function mountBlob(
  sender: RequestSender,
  endpoint: Endpoint,
  repo: Repo,
  digest: string,
  from: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const doing = `mount blob ${digest} from ${from} into ${repo.registry}/${repo.repository}`;
  const query = new URLSearchParams({ mount: digest, from });
  const res = await sender.send(endpoint, repo.repository, {
    method: "POST",
    path: `blobs/uploads/?${query}`,
    actions: ["pull", "push"],
    alsoPullFrom: from,
    doing,
    signal,
    headers: { "content-length": "0" },
  });
  await res.body.dump();
  if (res.status === 201) return true;
  const location = firstHeader(res.headers, "location");
  if (location !== undefined) await cancelUpload({ sender, endpoint, repo, doing, signal }, new URL(location, res.url));
  return false;
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
  repo: Repo,
  bytes: Uint8Array,
  mediaType: string,
  options: { tag?: string; signal?: AbortSignal },
): Promise<Descriptor> {
  const digest = digestOf(bytes);
  const path = manifestPath(
    options.tag === undefined ? { digest } : { tag: options.tag },
    `upload a manifest to ${repo.registry}/${repo.repository}`,
  );
  const ref = options.tag ?? digest;
  const doing = `upload manifest ${repo.registry}/${repo.repository}${options.tag === undefined ? "@" : ":"}${ref}`;
  const res = await sender.send(endpoint, repo.repository, {
    method: "PUT",
    path,
    actions: ["pull", "push"],
    doing,
    signal: options.signal,
    headers: { "content-type": mediaType, "content-length": String(bytes.length) },
    body: () => bytes,
  });
  await res.body.dump();
  const stored = firstHeader(res.headers, "docker-content-digest");
  if (stored !== undefined && stored !== digest) {
    throw new DigestguardError(
      "DIGEST_MISMATCH",
      `Cannot trust ${doing}: the registry stored ${stored}, but the bytes sent hash to ${digest}.`,
    );
  }
  return { mediaType, digest, size: bytes.length };
}
