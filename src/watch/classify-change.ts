import type { Observation, PlatformDigest, Sighting, WatchEvent } from "../history/history-store.js";

/** What {@link classifyChange} compares. */
export interface ChangeInput {
  reference: string;
  at: string;
  /** The newest stored observation; undefined on the first check. */
  previous: Observation | undefined;
  current: Sighting;
  /** Whether the reference pointed at `current.digest` at some earlier time. */
  seenBefore: boolean;
}

/**
 * Name what happened to a tag between two checks. A new digest whose
 * platforms all kept their manifest digests is `index-churn` (an attestation
 * or an architecture appended), not new content; a digest the tag held
 * before is `moved-back`; platforms that came or went are events of their
 * own. The first check of a tag is a baseline and says nothing.
 *
 * @example
 * ```ts
 * classifyChange({ reference, at, previous, current: { digest: "sha256:…", platforms: [] }, seenBefore: false });
 * // [{ kind: "moved", reference, at, from: previous.digest, to: "sha256:…" }]
 * ```
 */
export function classifyChange(input: ChangeInput): WatchEvent[] {
  const { reference, at, previous, current } = input;
  if (previous === undefined || previous.digest === current.digest) return [];
  const base = { reference, at, ...(previous.digest !== undefined ? { from: previous.digest } : {}) };
  if (current.digest === undefined) return [{ kind: "tag-deleted", ...base }];
  const to = { ...base, to: current.digest };
  const platformEvents = comparePlatforms(previous.platforms, current.platforms).map((e) => ({ ...e, ...to }));
  if (input.seenBefore) return [{ kind: "moved-back", ...to }, ...platformEvents];
  return [{ kind: contentChanged(previous, current) ? "moved" : "index-churn", ...to }, ...platformEvents];
}

// New content unless both are indexes and no platform present in both changed its manifest.
function contentChanged(previous: Sighting, current: Sighting): boolean {
  if (previous.digest === undefined || previous.platforms.length === 0 || current.platforms.length === 0) return true;
  const before = new Map(previous.platforms.map((p) => [p.platform, p.digest]));
  const shared = current.platforms.filter((p) => before.has(p.platform));
  return shared.length === 0 || shared.some((p) => before.get(p.platform) !== p.digest);
}

function comparePlatforms(before: PlatformDigest[], after: PlatformDigest[]): Pick<WatchEvent, "kind" | "detail">[] {
  const had = new Set(before.map((p) => p.platform));
  const has = new Set(after.map((p) => p.platform));
  // A single manifest lists no platforms; a tag turning into an index is a move, not N platforms added.
  if (had.size === 0 || has.size === 0) return [];
  return [
    ...after
      .filter((p) => !had.has(p.platform))
      .map((p) => ({ kind: "platform-added" as const, detail: { platform: p.platform, digest: p.digest } })),
    ...before
      .filter((p) => !has.has(p.platform))
      .map((p) => ({ kind: "platform-removed" as const, detail: { platform: p.platform, digest: p.digest } })),
  ];
}
