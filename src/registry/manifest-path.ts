import { DigestguardError } from "../errors/error.js";
import { isTag } from "../oci/reference.js";

/**
 * The API path of a manifest, `manifests/<digest or tag>`, for reads and
 * pushes alike. A tag outside the tag grammar is refused before it goes into
 * the path, where a `/` or `..` would address another repository (a hostile
 * registry's tag list may hold such names).
 *
 * @example
 * ```ts
 * manifestPath({ tag: "1.0" }, "address a manifest"); // "manifests/1.0"
 * manifestPath({ tag: "../x" }, "address a manifest"); // throws USAGE
 * ```
 */
export function manifestPath(target: { tag?: string | undefined; digest?: string | undefined }, doing: string): string {
  const ref = target.digest ?? target.tag;
  if (ref === undefined) throw new DigestguardError("USAGE", "Cannot address a manifest without a tag or digest.");
  if (target.digest === undefined && !isTag(ref))
    throw new DigestguardError(
      "USAGE",
      `Cannot ${doing} under the tag ${JSON.stringify(ref.slice(0, 200))}: it is not a tag name (letters, digits, "_", "." and "-", at most 128); use a valid tag.`,
    );
  return `manifests/${ref}`;
}
