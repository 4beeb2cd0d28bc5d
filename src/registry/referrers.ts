import { DigestguardError } from "../errors/error.js";
import { isCode, isDigestguardError } from "../errors/predicates.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import { MAX_MANIFEST_BYTES, parseManifest } from "../oci/manifest.js";
import { MediaType } from "../oci/media-types.js";
import type { Endpoint } from "./endpoints.js";
import { firstHeader, type HttpResponse } from "./http-transport.js";
import { readLimited } from "./read-limited.js";
import type { RequestSender } from "./request-sender.js";
import { nextLink } from "./tag-list.js";

const MAX_PAGES = 100;
/** Referrers one listing may hold: far past any real image's signatures and attestations. */
export const MAX_LISTED_REFERRERS = 10_000;

/** What the referrers API said: `undefined` when the registry has no such API. */
export interface ReferrersAnswer {
  manifests: Descriptor[];
  /** The registry applied the `artifactType` filter itself (`OCI-Filters-Applied`). */
  filtered: boolean;
}

/**
 * List the manifests that name `digest` as their `subject`, through the OCI
 * referrers API (`GET /v2/<name>/referrers/<digest>`, distribution spec
 * v1.1), following `Link` pagination on the registry's own origin. Each page
 * must be an OCI image index within the manifest cap, its descriptors valid.
 * Resolves to `undefined` when the registry has no referrers API (404, 405,
 * 501, or a 400 that says UNSUPPORTED): the caller then reads the
 * `sha256-<hex>` fallback tag.
 *
 * @example
 * ```ts
 * const answer = await listReferrers(sender, endpoint, repo, digest, { artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json" });
 * if (answer === undefined) useFallbackTag();
 * ```
 */
export async function listReferrers(
  sender: RequestSender,
  endpoint: Endpoint,
  repo: { registry: string; repository: string },
  digest: Digest,
  options: { artifactType?: string; signal?: AbortSignal } = {},
): Promise<ReferrersAnswer | undefined> {
  const doing = `list the referrers of ${repo.registry}/${repo.repository}@${digest}`;
  const query = options.artifactType === undefined ? "" : `?artifactType=${encodeURIComponent(options.artifactType)}`;
  let path = `referrers/${digest}${query}`;
  const answer: ReferrersAnswer = { manifests: [], filtered: options.artifactType !== undefined };
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await sender
      .send(endpoint, repo.repository, {
        method: "GET",
        path,
        headers: { accept: MediaType.ociIndex },
        actions: ["pull"],
        accept: [400, 404, 405, 501],
        doing,
        signal: options.signal,
      })
      .catch((error: unknown) => {
        throw isCode(error, "MANIFEST_TOO_LARGE") ? tooLarge(doing, error) : error;
      });
    if (res.status >= 400) return page === 0 && (await saysUnsupported(res)) ? undefined : refusePage(res, doing);
    const next = nextLink(firstHeader(res.headers, "link"), res.url);
    for (const descriptor of await readPage(res, doing)) answer.manifests.push(descriptor);
    if (!/\bartifactType\b/i.test(firstHeader(res.headers, "oci-filters-applied") ?? "")) answer.filtered = false;
    if (answer.manifests.length > MAX_LISTED_REFERRERS)
      throw new DigestguardError(
        "REGISTRY_ERROR",
        `Cannot ${doing}: there are more than ${MAX_LISTED_REFERRERS}; the registry's list seems not to end.`,
      );
    if (next === undefined) return answer;
    path = next.href;
  }
  throw new DigestguardError(
    "REGISTRY_ERROR",
    `Cannot ${doing}: more than ${MAX_PAGES} pages; the registry's pagination seems to loop.`,
  );
}

async function readPage(res: HttpResponse, doing: string): Promise<Descriptor[]> {
  const bytes = await readLimited(res.body, MAX_MANIFEST_BYTES, `the answer to "${doing}"`);
  const contentType = (firstHeader(res.headers, "content-type") ?? "").split(";")[0]?.trim() ?? "";
  try {
    if (contentType !== MediaType.ociIndex) throw new Error(`its Content-Type is ${JSON.stringify(contentType)}`);
    const parsed = parseManifest(bytes, { contentType });
    if (parsed.manifest.kind !== "index" || parsed.mediaType !== MediaType.ociIndex)
      throw new Error(`it is a ${parsed.mediaType}`);
    return parsed.manifest.manifests;
  } catch (error) {
    const reason = isDigestguardError(error) || error instanceof Error ? error.message : String(error);
    throw new DigestguardError(
      "REGISTRY_ERROR",
      `Cannot ${doing}: the registry's answer is not a valid OCI image index (${reason.replace(/\.$/, "")}); nothing was copied from it. Report it to the registry's operators.`,
    );
  }
}

// The spec's signal for "no referrers API" is a 404; registries before it answer 405 or 501,
// or a 400 whose error code is UNSUPPORTED.
async function saysUnsupported(res: HttpResponse): Promise<boolean> {
  const text = res.status === 400 ? await readLimited(res.body, 64 * 1024, "an error answer") : undefined;
  if (text === undefined) await res.body.dump();
  return res.status !== 400 || /"code"\s*:\s*"UNSUPPORTED"/.test(Buffer.from(text ?? []).toString("utf8"));
}

function tooLarge(doing: string, cause: DigestguardError): DigestguardError {
  return new DigestguardError(
    "MANIFEST_TOO_LARGE",
    `Cannot ${doing}: a page of the answer is larger than the ${MAX_MANIFEST_BYTES}-byte limit of an image index; nothing was copied from it. Report it to the registry's operators.`,
    { cause },
  );
}

function refusePage(res: HttpResponse, doing: string): never {
  void res.body.dump().catch(() => {});
  throw new DigestguardError(
    "REGISTRY_ERROR",
    `Cannot ${doing}: the registry answered ${res.status} to a referrers request; retry later or mirror without --referrers.`,
  );
}
