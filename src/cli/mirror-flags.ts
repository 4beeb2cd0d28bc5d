import { DigestguardError } from "../errors/error.js";

/** The `--mirror` flags of one call, by meaning. */
export interface MirrorFlags {
  /** `HOST[:PORT]/PREFIX` (no "="): the mirror whose copies pin moves to and check --coverage checks. */
  copiesAt?: string;
  /** `REGISTRY=MIRROR`: read REGISTRY through MIRROR. */
  readThrough: string[];
}

/**
 * Split the global `--mirror` flags: `REGISTRY=MIRROR` reads through a
 * mirror; pin and check also take one `HOST/PREFIX` without "=", the mirror
 * holding copies of the pinned images. Throws `USAGE` for more than one.
 *
 * @example
 * ```ts
 * splitMirrorFlags(["docker.io=127.0.0.1:5001", "127.0.0.1:5002/backup"]);
 * // { readThrough: ["docker.io=127.0.0.1:5001"], copiesAt: "127.0.0.1:5002/backup" }
 * ```
 */
export function splitMirrorFlags(entries: readonly string[] | undefined): MirrorFlags {
  const readThrough = (entries ?? []).filter((entry) => entry.includes("="));
  const copies = (entries ?? []).filter((entry) => !entry.includes("="));
  if (copies.length > 1)
    throw new DigestguardError(
      "USAGE",
      `Cannot use --mirror ${copies.join(" and ")}: one mirror HOST/PREFIX at a time; give one.`,
    );
  return { readThrough, ...(copies[0] !== undefined ? { copiesAt: copies[0] } : {}) };
}
