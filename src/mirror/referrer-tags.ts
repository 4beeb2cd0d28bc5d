import type { Digest } from "../oci/digest.js";

/**
 * The tag that holds the referrers of `digest` in a registry without the OCI
 * referrers API (distribution spec v1.1, "referrers tag schema"):
 * `<alg>-<ref>`, the algorithm cut to 32 characters and the encoded digest to 64.
 *
 * @example
 * ```ts
 * referrersFallbackTag("sha256:ab…"); // "sha256-ab…"
 * ```
 */
export function referrersFallbackTag(digest: Digest): string {
  const [algorithm = "", encoded = ""] = digest.split(":");
  return `${algorithm.slice(0, 32)}-${encoded.slice(0, 64)}`;
}

/**
 * The tags that hold cosign's signatures, SBOMs and attestations of `digest`
 * as whole images, outside the referrers scheme: `sha256-<hex>.sig`, `.att`,
 * `.sbom` (the referrers fallback tag itself is read as an index instead).
 *
 * @example
 * ```ts
 * cosignTags(["1.0", "sha256-ab…", "sha256-ab….sig"], "sha256:ab…"); // ["sha256-ab….sig"]
 * ```
 */
export function cosignTags(tags: readonly string[], digest: Digest): string[] {
  const prefix = referrersFallbackTag(digest);
  return tags.filter((tag) => tag.startsWith(`${prefix}.`) && /^[a-z]+$/.test(tag.slice(prefix.length + 1)));
}
