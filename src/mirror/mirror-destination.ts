import { DigestguardError } from "../errors/error.js";
import { parseDigest } from "../oci/digest.js";
import { parseReference } from "../oci/reference.js";
import type { Target } from "../store/content-store.js";

/**
 * What to write at the destination: the tag or digest the destination names
 * itself, else the source's tag (`dg mirror alpine:3.19 oci:./backup` writes
 * `3.19`). A plain OCI-layout path and a registry repository without a tag
 * both take the source's tag.
 *
 * @example
 * ```ts
 * destinationTarget("oci:./backup", { tag: "3.19" });           // { tag: "3.19" }
 * destinationTarget("127.0.0.1:5000/mirror/alpine:keep", { tag: "3.19" }); // { tag: "keep" }
 * ```
 */
export function destinationTarget(text: string, sourceTarget: Target): Target {
  const named = namedTarget(text);
  if (named.tag !== undefined || named.digest !== undefined) return named;
  if (sourceTarget.tag !== undefined) return { tag: sourceTarget.tag };
  if (text.startsWith("oci:") || text.startsWith("ocidir://")) {
    throw new DigestguardError(
      "USAGE",
      `Cannot mirror into ${text}: the source is named by digest, and an OCI layout names images by tag; add one, e.g. ${text}:backup.`,
    );
  }
  return { ...(sourceTarget.digest === undefined ? {} : { digest: sourceTarget.digest }) };
}

/**
 * Whether the destination text names a tag or digest itself (parsers fill
 * in `latest`, which must not win over the source's tag).
 *
 * @example
 * ```ts
 * namedTarget("oci:/tmp/l");     // {}
 * namedTarget("oci:/tmp/l:v1");  // { tag: "v1" }
 * ```
 */
export function namedTarget(text: string): Target {
  const layout = /^(?:oci:|ocidir:\/\/)(.*)$/.exec(text);
  if (layout !== null) {
    const last = (layout[1] as string).split("/").at(-1) ?? "";
    const at = last.indexOf("@");
    if (at > 0) return { digest: parseDigest(last.slice(at + 1)) };
    const colon = last.lastIndexOf(":");
    return colon > 0 ? { tag: last.slice(colon + 1) } : {};
  }
  const reference = parseReference(text.replace(/^docker:\/\//, ""), { defaultTag: false });
  return {
    ...(reference.tag === undefined ? {} : { tag: reference.tag }),
    ...(reference.digest === undefined ? {} : { digest: reference.digest }),
  };
}
