import { DigestguardError } from "../errors/error.js";
import { inSemverRange } from "./semver-tags.js";

/** Which tags of a source repository to copy. */
export interface TagFilter {
  exact?: readonly string[];
  allow?: string;
  deny?: string;
  /** A semver range (`>=3.18 <4`); tags that are not versions are dropped. */
  semver?: string;
  newest?: number;
}

/**
 * Apply a sync tag filter to a repository's tags: `exact` names tags (a
 * missing one is an error: a typo must not sync nothing quietly), `allow`
 * and `deny` are regular expressions, `semver` a version range (see
 * `inSemverRange`), and `newest` keeps the last N by version order of the
 * names. The result is in version order.
 *
 * @example
 * ```ts
 * selectTags(["3.9", "3.10", "3.10-rc1", "edge"], { allow: "^3\\.", deny: "-rc", newest: 1 }); // ["3.10"]
 * ```
 */
export function selectTags(all: readonly string[], filter: TagFilter, what: string): string[] {
  const missing = (filter.exact ?? []).filter((tag) => !all.includes(tag));
  if (missing.length > 0) {
    throw new DigestguardError(
      "NOT_FOUND",
      `Cannot sync ${what}: it has no tag ${missing.join(", ")}; fix the tag list under sync.images.`,
      { details: { missing } },
    );
  }
  const allow = pattern(filter.allow, "allow", what);
  const deny = pattern(filter.deny, "deny", what);
  const inRange = filter.semver === undefined ? () => true : inSemverRange(filter.semver, what);
  let tags = (filter.exact ?? all).filter(
    (tag) => (allow?.test(tag) ?? true) && !(deny?.test(tag) ?? false) && inRange(tag),
  );
  tags = [...new Set(tags)].sort(compareVersions);
  return filter.newest === undefined ? tags : tags.slice(-filter.newest);
}

/**
 * Order tag names as versions: numeric runs compare as numbers, so 3.10
 * comes after 3.9; a pre-release suffix (3.10-rc1) comes before its release.
 *
 * @example
 * ```ts
 * ["3.10", "3.9", "3.10-rc1"].sort(compareVersions); // ["3.9", "3.10-rc1", "3.10"]
 * ```
 */
export function compareVersions(a: string, b: string): number {
  const [aMain = "", aPre] = splitPre(a);
  const [bMain = "", bPre] = splitPre(b);
  const main = compareParts(aMain, bMain);
  if (main !== 0) return main;
  if (aPre === undefined || bPre === undefined) return aPre === bPre ? 0 : aPre === undefined ? 1 : -1;
  return compareParts(aPre, bPre);
}

function splitPre(tag: string): [string, string | undefined] {
  const dash = tag.indexOf("-");
  return dash < 0 ? [tag, undefined] : [tag.slice(0, dash), tag.slice(dash + 1)];
}

function compareParts(a: string, b: string): number {
  const as = a.match(/\d+|\D+/g) ?? [];
  const bs = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const x = as[i];
    const y = bs[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const numeric = /^\d/.test(x) && /^\d/.test(y);
    const order = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return Math.sign(order);
  }
  return 0;
}

function pattern(source: string | undefined, key: string, what: string): RegExp | undefined {
  if (source === undefined) return undefined;
  try {
    return new RegExp(source);
  } catch (error) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot sync ${what}: tags.${key} is not a regular expression (${(error as Error).message}); fix it in digestguard.yaml.`,
    );
  }
}
