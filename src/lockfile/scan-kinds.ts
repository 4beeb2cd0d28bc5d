import type { Lockfile } from "./lockfile-schema.js";

/** The optional kinds of file a scan can take besides Dockerfiles and compose files. */
export interface ScanKinds {
  kubernetes?: boolean;
  workflows?: boolean;
}

/** A kind of file as the lockfile names it. */
export type LockedKind = NonNullable<Lockfile["kinds"]>[number];

/**
 * The kinds to scan: those chosen now plus those the lockfile remembers, so
 * `pin --update` moves every pin the first `pin --kubernetes` wrote, and
 * `check` and `pin --check` look at the same files. A kind once chosen stays
 * until it is removed from the lockfile's `kinds`.
 *
 * @example
 * ```ts
 * scanKindsFor({ lockfileVersion: 1, kinds: ["kubernetes"], images: [] }, { workflows: true });
 * // { kubernetes: true, workflows: true }
 * ```
 */
export function scanKindsFor(lock: Lockfile | undefined, chosen: ScanKinds = {}): Required<ScanKinds> {
  const remembered = new Set(lock?.kinds ?? []);
  return {
    kubernetes: chosen.kubernetes === true || remembered.has("kubernetes"),
    workflows: chosen.workflows === true || remembered.has("workflow"),
  };
}

/**
 * The lockfile's `kinds` for a scan.
 *
 * @example
 * ```ts
 * lockedKinds({ kubernetes: true }); // ["compose", "dockerfile", "kubernetes"]
 * ```
 */
export function lockedKinds(kinds: ScanKinds): LockedKind[] {
  return [
    "compose",
    "dockerfile",
    ...(kinds.kubernetes === true ? ["kubernetes" as const] : []),
    ...(kinds.workflows === true ? ["workflow" as const] : []),
  ];
}
