import type { Digest } from "../oci/digest.js";
import { parseReference } from "../oci/reference.js";
import type { LockfileHistory } from "./lockfile-history.js";

/** A digest the same reference was pinned to in an earlier commit of the lockfile. */
export interface PreviousPin {
  reference: string;
  digest: Digest;
  commit: string;
  date: string;
  /** Whether that pin's locked tree lists the layer digest (so it carries the same layer). */
  listsLayer: boolean;
}

/**
 * The earlier digests of `reference` in the lockfile's history, newest
 * first, each once, without `currentDigest`, at most `max`. References are
 * compared by registry, repository and tag, so `ruby:3.3` and
 * `docker.io/library/ruby:3.3` are the same pin.
 *
 * @example
 * ```ts
 * previousPins(history, "127.0.0.1:5000/team/app:1", current, { layer, max: 3 });
 * ```
 */
export function previousPins(
  history: LockfileHistory,
  reference: string,
  currentDigest: string | undefined,
  options: { layer?: string; max?: number } = {},
): PreviousPin[] {
  const wanted = nameOf(reference);
  const seen = new Set<string>(currentDigest === undefined ? [] : [currentDigest]);
  const pins: PreviousPin[] = [];
  for (const version of history.versions) {
    for (const image of version.lock.images) {
      if (seen.has(image.digest) || nameOf(image.reference) !== wanted) continue;
      seen.add(image.digest);
      const listsLayer =
        options.layer !== undefined && image.platforms.some((p) => p.layers.some((l) => l.digest === options.layer));
      pins.push({
        reference: image.reference,
        digest: image.digest as Digest,
        commit: version.commit,
        date: version.date,
        listsLayer,
      });
      if (pins.length >= (options.max ?? 3)) return pins;
    }
  }
  return pins;
}

function nameOf(reference: string): string | undefined {
  try {
    const r = parseReference(reference);
    return `${r.registry}/${r.repository}:${r.tag ?? ""}`;
  } catch {
    return undefined;
  }
}
