import type { Readable } from "node:stream";
import type { Descriptor } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import type { RepositoryName } from "./client-types.js";
import { originEndpoint, type Endpoint } from "./endpoints.js";
import { firstHeader } from "./http-transport.js";
import type { RequestSender } from "./request-sender.js";

/** A blob's bytes as one endpoint sent them, from `offset` on. */
export interface OpenedBlob {
  stream: Readable;
  /** Where the bytes really start: 0 when the registry ignored the Range and sent everything. */
  offset: number;
  source: string;
  mirror: boolean;
}

/**
 * The blob's raw bytes from `offset` on at one endpoint (an HTTP Range
 * request), NOT verified: the store's verified read (`readVerifiedBlob`)
 * checks them.
 *
 * @example
 * ```ts
 * const { stream, offset: start } = await openBlobAt(sender, endpoint, repo, descriptor, 1024);
 * ```
 */
export async function openBlobAt(
  sender: RequestSender,
  endpoint: Endpoint,
  repo: RepositoryName,
  descriptor: Descriptor,
  offset: number,
  signal?: AbortSignal,
): Promise<OpenedBlob> {
  const res = await sender.send(endpoint, repo.repository, {
    method: "GET",
    path: `blobs/${descriptor.digest}`,
    actions: ["pull"],
    headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
    doing: `fetch blob ${descriptor.digest} of ${repo.registry}/${repo.repository}`,
    signal,
  });
  const range = /^bytes (\d+)-/.exec(firstHeader(res.headers, "content-range") ?? "");
  const start = res.status === 206 && range !== null ? Number(range[1]) : 0;
  return { stream: res.body, offset: start, source: endpoint.host, mirror: endpoint.mirror };
}

/**
 * Whether the blob exists in the repository on the registry itself (HEAD; mirrors are not asked).
 *
 * @example
 * ```ts
 * if (!(await blobExistsAtOrigin(sender, repo, descriptor.digest))) await upload();
 * ```
 */
export async function blobExistsAtOrigin(
  sender: RequestSender,
  repo: RepositoryName,
  digest: Digest,
  signal?: AbortSignal,
): Promise<boolean> {
  const res = await sender.send(originEndpoint(repo.registry), repo.repository, {
    method: "HEAD",
    path: `blobs/${digest}`,
    actions: ["pull"],
    accept: [404],
    doing: `check blob ${digest} in ${repo.registry}/${repo.repository}`,
    signal,
  });
  await res.body.dump();
  return res.status === 200;
}
