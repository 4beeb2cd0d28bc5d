import semver from "semver";
import { DigestguardError } from "../errors/error.js";

// A leading "v", one to three numeric parts, an optional "-suffix".
const VERSION_TAG = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$/;

/**
 * The semantic version a tag name stands for, or undefined for a tag that is
 * not a version (`latest`, `edge`, `sha256-…`). Image tags are rarely full
 * semver, so the loose forms are coerced by padding the missing parts with
 * zeros: `3.19` is 3.19.0, `v1.2` is 1.2.0, `3` is 3.0.0. A suffix stays a
 * pre-release (`3.19-alpine` is 3.19.0-alpine), so — as semver ranges do —
 * it matches only a range that names a pre-release of that same version;
 * variant tags are not quietly taken for releases.
 *
 * @example
 * ```ts
 * tagVersion("v1.2");   // "1.2.0"
 * tagVersion("latest"); // undefined
 * ```
 */
export function tagVersion(tag: string): string | undefined {
  const parts = VERSION_TAG.exec(tag);
  if (parts === null) return undefined;
  const [, major, minor = "0", patch = "0", pre] = parts;
  return semver.valid(`${major}.${minor}.${patch}${pre === undefined ? "" : `-${pre}`}`) ?? undefined;
}

/**
 * A predicate keeping the tags whose version (see {@link tagVersion}) lies
 * in a semver range such as `>=3.18 <4`; tags that are not versions fail it.
 * A range that does not parse is a config error naming `tags.semver`.
 *
 * @example
 * ```ts
 * ["3.17", "3.19", "latest"].filter(inSemverRange(">=3.18 <4", "alpine")); // ["3.19"]
 * ```
 */
export function inSemverRange(range: string, what: string): (tag: string) => boolean {
  if (semver.validRange(range) === null) {
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot sync ${what}: tags.semver ${JSON.stringify(range)} is not a semver range; write one such as ">=3.18 <4" in digestguard.yaml.`,
    );
  }
  return (tag) => {
    const version = tagVersion(tag);
    return version !== undefined && semver.satisfies(version, range);
  };
}
