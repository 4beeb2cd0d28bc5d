import type { Digest } from "../oci/digest.js";

/**
 * The tags that hold signatures, SBOMs and attestations of `digest` in
 * registries without the OCI referrers API: the referrers tag schema
 * (`sha256-<hex>`) and cosign's suffixed tags (`sha256-<hex>.sig`, `.att`,
 * `.sbom`).
 *
 * @example
 * ```ts
 * referrerTags(["1.0", "sha256-ab…", "sha256-ab….sig"], "sha256:ab…"); // ["sha256-ab…", "sha256-ab….sig"]
 * ```
 */
export function referrerTags(tags: readonly string[], digest: Digest): string[] {
  const prefix = digest.replace(":", "-");
  return tags.filter(
    (tag) => tag === prefix || (tag.startsWith(`${prefix}.`) && /^[a-z]+$/.test(tag.slice(prefix.length + 1))),
  );
}
