import type { LockedImage } from "../lockfile/lockfile-schema.js";

/** What changed between two locked versions of the same reference. */
export interface TreeChange {
  reference: string;
  from: string;
  to: string;
  /** One line per finding, e.g. "linux/arm64: 2 of 5 layers changed". */
  summary: string[];
  /** True when every platform pinned before is unchanged (platforms may have been added): only the index differs. */
  sameContent: boolean;
}

/**
 * Explain a digest change in terms of content: platforms added or removed,
 * and for each platform whether its manifest, config and which layers
 * changed. When per-platform manifests are identical the summary says so —
 * "same content, only the index changed" — as happens when upstream appends
 * an architecture or re-signs.
 *
 * @example
 * ```ts
 * diffLockedTrees(oldEntry, newEntry).summary; // ["linux/amd64: config and 1 of 3 layers changed"]
 * ```
 */
export function diffLockedTrees(before: LockedImage, after: LockedImage): TreeChange {
  const summary: string[] = [];
  const old = new Map(before.platforms.map((p) => [p.platform, p]));
  const now = new Map(after.platforms.map((p) => [p.platform, p]));
  for (const platform of now.keys()) if (!old.has(platform)) summary.push(`${platform}: added`);
  for (const platform of old.keys()) if (!now.has(platform)) summary.push(`${platform}: removed`);
  let changedManifests = 0;
  for (const [platform, next] of now) {
    const prev = old.get(platform);
    if (prev === undefined || prev.manifest === next.manifest) continue;
    changedManifests++;
    const parts: string[] = [];
    if (prev.config !== next.config) parts.push("config");
    const changedLayers = next.layers.filter((layer, i) => prev.layers[i]?.digest !== layer.digest).length;
    if (changedLayers > 0 || prev.layers.length !== next.layers.length) {
      parts.push(
        `${changedLayers} of ${next.layers.length} layers${prev.layers.length !== next.layers.length ? ` (was ${prev.layers.length})` : ""}`,
      );
    }
    summary.push(
      `${platform}: ${parts.length > 0 ? `${parts.join(" and ")} changed` : "manifest changed (same config and layers)"}`,
    );
  }
  const removed = [...old.keys()].some((platform) => !now.has(platform));
  const sameContent = changedManifests === 0 && !removed;
  if (sameContent && before.digest !== after.digest)
    summary.push("same content for every platform already pinned, only the index changed");
  return { reference: after.reference, from: before.digest, to: after.digest, summary, sameContent };
}
