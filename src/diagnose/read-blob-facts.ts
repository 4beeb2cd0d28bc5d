import { isDigest, type Digest } from "../oci/digest.js";
import type { RefKind } from "./error-shapes.js";

// Words around an error that say what was being fetched, most specific first.
const KIND_WORDS: ReadonlyArray<readonly [RegExp, RefKind]> = [
  [/image configuration|config(?:uration)? blob|Copying config|config\.json/i, "config"],
  [/\/manifests\/|reading manifest|manifest unknown|MANIFEST_UNKNOWN|manifest for |name unknown/i, "manifest"],
  [/register layer|extract layer|filesystem layer|layer-sha256|\blayers?\b/i, "layer"],
];

/**
 * The blob kind the words of an error line name: "error pulling image
 * configuration", a `/manifests/` URL, "failed to register layer". Only
 * what the line says; nothing is guessed.
 *
 * @example
 * ```ts
 * kindFromWords("error pulling image configuration: unexpected EOF"); // "config"
 * ```
 */
export function kindFromWords(line: string): RefKind | undefined {
  return KIND_WORDS.find(([words]) => words.test(line))?.[1];
}

// A registry API URL (`/blobs/sha256:…`, `/manifests/sha256:…`) or a storage-backend
// path (`/blobs/sha256/ab/<hex>/data`, what a CDN redirect points at).
const URL_DIGEST =
  /(?:reading |reuse )(blob) (sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})(?![a-f0-9])|\/(blobs|manifests)\/(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})(?![a-f0-9])|\/blobs\/sha256\/[a-f0-9]{2}\/([a-f0-9]{64})\/data/;

/**
 * The digest a request URL in the line names, and whether it is a manifest:
 * what a network or status error was fetching when it failed.
 *
 * @example
 * ```ts
 * digestInUrl('Get "https://r.example/v2/a/blobs/sha256:ab…": context canceled'); // { digest: "sha256:ab…", manifest: false }
 * ```
 */
export function digestInUrl(line: string): { digest: Digest; manifest: boolean } | undefined {
  const match = URL_DIGEST.exec(line);
  const digest = match?.[2] ?? match?.[4] ?? (match?.[5] === undefined ? undefined : `sha256:${match[5]}`);
  return digest !== undefined && isDigest(digest) ? { digest, manifest: match?.[3] === "manifests" } : undefined;
}
