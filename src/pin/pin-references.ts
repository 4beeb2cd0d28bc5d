import { mapConcurrent } from "../async/map-concurrent.js";
import { DigestguardError } from "../errors/error.js";
import { isAborted, isDigestguardError } from "../errors/predicates.js";
import type { Platform } from "../oci/descriptor.js";
import { parsePlatform, platformMatches } from "../oci/platform.js";
import type { LockedImage, LockedSource, Lockfile } from "../lockfile/lockfile-schema.js";
import type { OpenedLocation } from "../store/open-location.js";
import { pinEdit } from "../scan/index.js";
import { lockImage } from "./lock-image.js";
import type { PinnableReference, ScannedFile } from "../scan/scan-references.js";
import { diffLockedTrees, type TreeChange } from "./tree-diff.js";

/** How to resolve the references found. */
export interface ResolveOptions {
  open: (reference: string) => Promise<OpenedLocation>;
  platform?: Platform;
  /** Re-resolve tags of entries matching `imagePattern` (all when absent). */
  update?: boolean;
  imagePattern?: string;
  concurrency?: number;
  signal?: AbortSignal;
}

/** The outcome of resolving every distinct reference once. */
export interface Resolution {
  /** Lock entry per reference key. */
  entries: Map<string, LockedImage>;
  failures: Map<string, DigestguardError>;
  changes: TreeChange[];
  /**
   * References whose files pin one tag to different digests, with the digest
   * the tag points to now: held as they are, since choosing one would move
   * the others without `--update`.
   */
  held: Map<string, string>;
  /** Registry resolutions made (at most one per distinct reference). */
  resolutions: number;
}

/**
 * Resolve each distinct reference found in the files exactly once, reusing
 * the lockfile where it already answers: an existing entry is kept unless
 * `update` asks for the tag again; a reference already pinned in a file is
 * locked from its own digest (checked to exist), not re-resolved.
 *
 * @example
 * ```ts
 * const { entries } = await resolveReferences(files, lock, { open });
 * ```
 */
export async function resolveReferences(
  files: ScannedFile[],
  lock: Lockfile | undefined,
  options: ResolveOptions,
): Promise<Resolution> {
  const groups = new Map<string, PinnableReference[]>();
  for (const ref of files.flatMap((f) => f.pinnable)) groups.set(ref.key, [...(groups.get(ref.key) ?? []), ref]);
  const result: Resolution = { entries: new Map(), failures: new Map(), changes: [], held: new Map(), resolutions: 0 };
  const keys = [...groups.keys()].sort();
  const settled = await mapConcurrent(keys, options.concurrency ?? 4, (key) =>
    resolveGroup(key, groups.get(key) ?? [], lock, options, result),
  );
  settled.forEach((outcome, i) => {
    const key = keys[i] as string;
    if (outcome.status === "fulfilled") {
      if (outcome.value !== undefined) result.entries.set(key, outcome.value);
    } else if (isDigestguardError(outcome.reason) && !isAborted(outcome.reason))
      result.failures.set(key, outcome.reason);
    else throw outcome.reason;
  });
  return result;
}

async function resolveGroup(
  key: string,
  refs: PinnableReference[],
  lock: Lockfile | undefined,
  options: ResolveOptions,
  result: Resolution,
): Promise<LockedImage | undefined> {
  const existing = lock?.images.find((entry) => entry.reference === key && samePlatformChoice(entry, options.platform));
  const written = new Set(refs.flatMap((r) => (r.reference.digest !== undefined ? [r.reference.digest] : [])));
  const update = options.update === true && matchesPattern(key, options.imagePattern);
  if (existing !== undefined && !update && [...written].every((d) => d === existing.digest))
    return { ...existing, sources: sourcesAfterPin(refs, existing.digest) };
  const first = refs[0] as PinnableReference;
  const { store } = await options.open(key);
  if (!update && written.size > 1 && first.reference.tag !== undefined) {
    result.resolutions++;
    const now = await store.resolve({ tag: first.reference.tag }, { signal: options.signal });
    result.held.set(key, now.digest);
    return undefined;
  }
  const pinnedDigest = !update && written.size === 1 ? [...written][0] : undefined;
  const target = {
    ...(first.reference.tag !== undefined ? { tag: first.reference.tag } : {}),
    ...(pinnedDigest !== undefined
      ? { digest: pinnedDigest }
      : first.reference.tag === undefined && first.reference.digest !== undefined
        ? { digest: first.reference.digest }
        : {}),
  };
  if (target.digest === undefined) result.resolutions++;
  const locked = await lockImage({
    store,
    reference: key,
    target,
    platform: options.platform,
    sources: [],
    signal: options.signal,
  });
  const entry = { ...locked, sources: sourcesAfterPin(refs, locked.digest) };
  if (existing !== undefined && existing.digest === entry.digest) return { ...entry, resolvedAt: existing.resolvedAt };
  if (existing !== undefined) result.changes.push(diffLockedTrees(existing, entry));
  return entry;
}

// Each source as the file reads once pinned, so pinning again writes the same
// lockfile; a pin that goes elsewhere (an ARG default) leaves `written` as is.
function sourcesAfterPin(refs: PinnableReference[], digest: string): LockedSource[] {
  return refs.map(({ found }) => {
    const edit = found.resolved !== undefined ? pinEdit(found, digest) : undefined;
    const inside = edit !== undefined && edit.start >= found.start && edit.end <= found.end;
    const written = inside
      ? found.written.slice(0, edit.start - found.start) +
        edit.replacement +
        found.written.slice(edit.end - found.start)
      : found.written;
    return { file: found.file, line: found.line, written };
  });
}

function samePlatformChoice(entry: LockedImage, platform: Platform | undefined): boolean {
  if (platform === undefined || entry.platform === undefined)
    return platform === undefined && entry.platform === undefined;
  return platformMatches(platform, parsePlatform(entry.platform));
}

/**
 * Whether a reference matches `--image PATTERN`: `*` matches any run of
 * characters; a pattern without `*` that names a tag (a `:` after its last
 * `/`) names the whole end of the reference from a path segment, so
 * `base:1` is not `base:10`; any other pattern without `*` matches as a
 * substring (`ruby` matches every ruby image, `localhost:5000` every image
 * of that registry).
 *
 * @example
 * ```ts
 * matchesPattern("docker.io/library/ruby:3.3-slim", "ruby:*"); // true
 * ```
 */
export function matchesPattern(reference: string, pattern: string | undefined): boolean {
  if (pattern === undefined) return true;
  const namesTag = pattern.lastIndexOf(":") > pattern.lastIndexOf("/") && !isRegistryHost(pattern);
  if (!pattern.includes("*") && !namesTag) return reference.includes(pattern);
  const regex = new RegExp(
    `(^|/)${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return regex.test(reference);
}

// `127.0.0.1:5000`, `registry.example:443`, `localhost:5000`: what comes
// before the colon is a host (a dot or localhost) and after it a port.
function isRegistryHost(pattern: string): boolean {
  return !pattern.includes("/") && /^([^:]*\.[^:]*|localhost):\d+$/.test(pattern);
}
