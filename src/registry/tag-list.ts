import { DigestguardError } from "../errors/error.js";
import { isTag } from "../oci/reference.js";
import type { Endpoint } from "./endpoints.js";
import { firstHeader } from "./http-transport.js";
import { readLimited } from "./read-limited.js";
import type { RequestSender } from "./request-sender.js";

const TAG_PAGE_LIMIT = 16 * 1024 * 1024;
const MAX_PAGES = 10_000;
/** Tags one listing may hold: far past the largest public repositories, short of what would exhaust memory. */
export const MAX_LISTED_TAGS = 500_000;

/**
 * List a repository's tags, following the `Link: <…>; rel="next"` header
 * page by page (`n` and `last` as the distribution spec defines them).
 *
 * @example
 * ```ts
 * const tags = await listTags(sender, endpoint, { registry, repository: "app" }, { pageSize: 100 });
 * ```
 */
export async function listTags(
  sender: RequestSender,
  endpoint: Endpoint,
  repo: { registry: string; repository: string },
  options: { pageSize?: number; signal?: AbortSignal } = {},
): Promise<string[]> {
  const tags: string[] = [];
  const doing = `list tags of ${repo.registry}/${repo.repository}`;
  let path = options.pageSize === undefined ? "tags/list" : `tags/list?n=${options.pageSize}`;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await sender.send(endpoint, repo.repository, {
      method: "GET",
      path,
      actions: ["pull"],
      doing,
      signal: options.signal,
    });
    const next = nextLink(firstHeader(res.headers, "link"), res.url);
    const body = await readLimited(res.body, TAG_PAGE_LIMIT, `the tag list of ${repo.repository}`, "REGISTRY_ERROR");
    for (const tag of parseTagPage(body, doing)) tags.push(tag);
    if (tags.length > MAX_LISTED_TAGS)
      throw new DigestguardError(
        "REGISTRY_ERROR",
        `Cannot ${doing}: it has more than ${MAX_LISTED_TAGS} tags; the registry's list seems not to end.`,
      );
    if (next === undefined) return tags;
    path = next.href;
  }
  throw new DigestguardError(
    "REGISTRY_ERROR",
    `Cannot ${doing}: more than ${MAX_PAGES} pages; the registry's pagination seems to loop.`,
  );
}

function parseTagPage(body: Uint8Array, doing: string): string[] {
  let parsed: { tags?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(body).toString("utf8")) as typeof parsed;
  } catch {
    throw new DigestguardError("REGISTRY_ERROR", `Cannot ${doing}: the registry's answer is not JSON.`);
  }
  if (parsed.tags === null || parsed.tags === undefined) return [];
  if (!Array.isArray(parsed.tags) || !parsed.tags.every((t) => typeof t === "string")) {
    throw new DigestguardError("REGISTRY_ERROR", `Cannot ${doing}: "tags" is not a list of strings.`);
  }
  // A listed name is later put into manifest paths: one outside the tag grammar is not a tag, so it is left out.
  return (parsed.tags as string[]).filter(isTag);
}

/**
 * The `rel="next"` target of a `Link` header, resolved against the URL that
 * answered.
 *
 * @example
 * ```ts
 * nextLink('</v2/app/tags/list?n=2&last=b>; rel="next"', new URL("https://r/v2/app/tags/list")); // URL …?n=2&last=b
 * ```
 */
export function nextLink(header: string | undefined, base: URL): URL | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match && /;\s*rel="?next"?/i.test(match[2] ?? "")) return new URL(match[1] as string, base);
  }
  return undefined;
}
