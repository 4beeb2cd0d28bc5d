import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { digestAlgorithm, digestOf, isDigest } from "../oci/digest.js";
import { MAX_MANIFEST_BYTES, parseManifest, type FetchedManifest } from "../oci/manifest.js";
import { MANIFEST_ACCEPT } from "../oci/media-types.js";
import type { ManifestTarget, RegistryManifest, RepositoryName } from "./client-types.js";
import type { Endpoint } from "./endpoints.js";
import { firstHeader } from "./http-transport.js";
import { manifestPath } from "./manifest-path.js";
import { rateLimitRemaining } from "./rate-limit.js";
import { readLimited } from "./read-limited.js";
import type { RequestSender } from "./request-sender.js";

/** What a tag or digest points to, with the endpoint that said so. */
export type ResolvedManifest = Descriptor & { source: string; mirror: boolean; rateLimitRemaining?: number };

/**
 * What a tag or digest points to at one endpoint, by HEAD. Falls back to GET
 * only when the registry gives no usable digest header (then the digest is
 * computed from the bytes).
 *
 * @example
 * ```ts
 * const { digest } = await resolveManifestAt(sender, originEndpoint(repo.registry), repo, { tag: "1.0" });
 * ```
 */
export async function resolveManifestAt(
  sender: RequestSender,
  endpoint: Endpoint,
  repo: RepositoryName,
  target: ManifestTarget,
  signal?: AbortSignal,
): Promise<ResolvedManifest> {
  const res = await requestManifest(
    sender,
    endpoint,
    repo,
    target,
    "HEAD",
    `resolve ${describe(repo, target)}`,
    signal,
  );
  await res.body.dump();
  const digest = firstHeader(res.headers, "docker-content-digest");
  const size = Number(firstHeader(res.headers, "content-length"));
  const mediaType = (firstHeader(res.headers, "content-type") ?? "").split(";")[0]?.trim() ?? "";
  const where = { source: endpoint.host, mirror: endpoint.mirror };
  if (
    digest === undefined ||
    !isDigest(digest) ||
    !Number.isSafeInteger(size) ||
    mediaType === "" ||
    (target.digest !== undefined && digest !== target.digest)
  ) {
    const fetched = await fetchManifestAt(sender, endpoint, repo, target, signal);
    return { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.size, ...where };
  }
  const remaining = rateLimitRemaining(firstHeader(res.headers, "ratelimit-remaining"));
  return { mediaType, digest, size, ...where, ...(remaining === undefined ? {} : { rateLimitRemaining: remaining }) };
}

/**
 * The manifest at `target` from one endpoint: exact bytes (bounded by
 * {@link MAX_MANIFEST_BYTES}), digest computed over them, parsed and validated.
 *
 * @example
 * ```ts
 * const manifest = await fetchManifestAt(sender, endpoint, repo, { digest });
 * ```
 */
export async function fetchManifestAt(
  sender: RequestSender,
  endpoint: Endpoint,
  repo: RepositoryName,
  target: ManifestTarget,
  signal?: AbortSignal,
): Promise<RegistryManifest> {
  const what = `manifest ${describe(repo, target)}`;
  const res = await requestManifest(sender, endpoint, repo, target, "GET", `fetch ${what}`, signal);
  const declared = Number(firstHeader(res.headers, "content-length"));
  if (Number.isSafeInteger(declared) && declared > MAX_MANIFEST_BYTES) {
    res.body.destroy();
    throw new DigestguardError(
      "MANIFEST_TOO_LARGE",
      `Cannot read ${what}: it declares ${declared} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit.`,
    );
  }
  const bytes = await readLimited(res.body, MAX_MANIFEST_BYTES, what);
  const fetched = parseManifest(bytes, {
    contentType: firstHeader(res.headers, "content-type"),
    expectedDigest: target.digest,
  });
  const header = firstHeader(res.headers, "docker-content-digest");
  if (header !== undefined && header !== "" && target.digest === undefined)
    checkDigestHeader(header, fetched, `${what} from ${endpoint.host}`);
  return { ...fetched, source: endpoint.host, mirror: endpoint.mirror };
}

// Read by tag, the bytes define the digest — but a registry whose header names
// another digest is inconsistent: a pin written from the header would point at
// nothing, one written from the bytes at a manifest the registry does not keep
// under that name. Either way nothing can be trusted, so it is an integrity failure.
function checkDigestHeader(header: string, fetched: FetchedManifest, what: string): void {
  const claimed = isDigest(header) ? header : undefined;
  const actual = claimed === undefined ? fetched.digest : digestOf(fetched.bytes, digestAlgorithm(claimed));
  if (claimed === actual) return;
  const said =
    claimed === undefined
      ? `a malformed Docker-Content-Digest (${JSON.stringify(header.slice(0, 80))})`
      : `Docker-Content-Digest ${claimed}`;
  throw new DigestguardError(
    "DIGEST_MISMATCH",
    `Cannot trust ${what}: the registry answered with ${said}, but the ${fetched.size} bytes it served hash to ${actual}; ` +
      "the registry (or a proxy in front of it) is inconsistent, so neither digest was used. Retry, or report it to the registry's operators.",
    {
      details: {
        expectedDigest: claimed ?? header,
        actualDigest: actual,
        received: fetched.size,
        digestHeader: header,
      },
    },
  );
}

function requestManifest(
  sender: RequestSender,
  endpoint: Endpoint,
  repo: RepositoryName,
  target: ManifestTarget,
  method: "HEAD" | "GET",
  doing: string,
  signal: AbortSignal | undefined,
) {
  return sender.send(endpoint, repo.repository, {
    method,
    path: manifestPath(target, "address a manifest"),
    headers: { accept: MANIFEST_ACCEPT },
    actions: ["pull"],
    doing,
    signal,
  });
}

function describe(repo: RepositoryName, target: ManifestTarget): string {
  return `${repo.registry}/${repo.repository}${target.tag ? `:${target.tag}` : ""}${target.digest ? `@${target.digest}` : ""}`;
}
