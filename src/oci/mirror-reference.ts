import { DigestguardError } from "../errors/error.js";
import { parseDigest } from "./digest.js";
import { formatReference, parseReference, parseRepository } from "./reference.js";

/**
 * The mirror's name for a source reference: the mirror prefix followed by
 * the source repository path, the same tag and digest (`dg sync` with the
 * target `HOST/PREFIX/{repo}` puts images there).
 *
 * @example
 * ```ts
 * mirrorReference("127.0.0.1:5001/backup", "127.0.0.1:5000/app:1.0", "sha256:…");
 * // "127.0.0.1:5001/backup/app:1.0@sha256:…"
 * ```
 */
export function mirrorReference(mirror: string, key: string, digest: string): string {
  const source = parseReference(key, { defaultTag: false });
  let at: { registry: string; repository: string };
  try {
    at = parseRepository(`${mirror.replace(/\/+$/, "")}/${source.repository}`);
  } catch (error) {
    throw new DigestguardError(
      "USAGE",
      `Cannot use --mirror ${mirror}: ${(error as Error).message}; write it as HOST[:PORT]/PREFIX.`,
    );
  }
  return formatReference({ ...at, tag: source.tag, digest: parseDigest(digest) });
}
