import { mapConcurrent } from "../async/map-concurrent.js";
import { isNotFound } from "../errors/predicates.js";
import type { LockedImage } from "../lockfile/lockfile-schema.js";
import { parseDigest } from "../oci/digest.js";
import { mirrorReference } from "../oci/mirror-reference.js";
import type { TextEdit } from "../scan/index.js";
import type { FoundReference } from "../scan/found-reference.js";
import type { PinnableReference, ScannedFile } from "../scan/scan-references.js";
import type { OpenedLocation } from "../store/open-location.js";

/** Where pinned references move to, and how to reach it. */
export interface RelocateOptions {
  /** `HOST[:PORT]/PREFIX`: a source repository `R` lives at `HOST/PREFIX/R`. */
  mirror: string;
  open: (reference: string) => Promise<OpenedLocation>;
  concurrency?: number;
  signal?: AbortSignal;
}

/** The outcome of moving pins to a mirror. */
export interface Relocation {
  /** Lock entry per source key, now naming the mirror. */
  moved: Map<string, LockedImage>;
  /** Source key → the reference text written in its place (`HOST/PREFIX/repo:tag@digest`). */
  targets: Map<string, string>;
  /** Source key → the mirror reference that lacks its digest. */
  missing: Map<string, string>;
}

/**
 * Move every resolved entry to the mirror, but only where the mirror holds
 * its digest (asked by digest, so a tag moved there proves nothing); an entry
 * whose digest the mirror lacks stays where it is and is listed in `missing`.
 *
 * @example
 * ```ts
 * const { moved, missing } = await relocateToMirror(resolution.entries, files, { mirror: "127.0.0.1:5001/backup", open });
 * ```
 */
export async function relocateToMirror(
  entries: Map<string, LockedImage>,
  files: ScannedFile[],
  options: RelocateOptions,
): Promise<Relocation> {
  const result: Relocation = { moved: new Map(), targets: new Map(), missing: new Map() };
  const keys = [...entries.keys()];
  const settled = await mapConcurrent(keys, options.concurrency ?? 4, async (key) => {
    const entry = entries.get(key) as LockedImage;
    const target = mirrorReference(options.mirror, key, entry.digest);
    const present = await mirrorHolds(target, entry.digest, options);
    if (!present) return void result.missing.set(key, target);
    const sources = movedSources(referencesWithKey(files, key), target);
    result.targets.set(key, target);
    result.moved.set(key, { ...entry, reference: withoutDigest(target, entry.tag !== undefined), sources });
  });
  for (const outcome of settled) if (outcome.status === "rejected") throw outcome.reason;
  return result;
}

/**
 * The edit that moves a found reference to `target` (its pin target when it
 * has one, such as an ARG default), and the lock sources as the file reads
 * afterwards.
 *
 * @example
 * ```ts
 * const edit = relocateEdit(ref.found, "127.0.0.1:5001/backup/app:1.0@sha256:…");
 * ```
 */
export function relocateEdit(found: FoundReference, target: string): TextEdit {
  const at = found.pinTarget ?? found;
  return { start: at.start, end: at.end, replacement: target };
}

/**
 * The lock sources of a moved entry: each reference as its file reads once
 * moved.
 *
 * @example
 * ```ts
 * entry.sources = movedSources(refs, "127.0.0.1:5001/backup/app:1.0@sha256:…");
 * ```
 */
export function movedSources(refs: PinnableReference[], target: string): LockedImage["sources"] {
  return refs.map(({ found }) => {
    const edit = relocateEdit(found, target);
    const inside = edit.start >= found.start && edit.end <= found.end;
    const written = inside
      ? found.written.slice(0, edit.start - found.start) + target + found.written.slice(edit.end - found.start)
      : found.written;
    return { file: found.file, line: found.line, written };
  });
}

/**
 * The references of `files` with `key`, in file order.
 *
 * @example
 * ```ts
 * referencesWithKey(files, "127.0.0.1:5000/app:1.0");
 * ```
 */
export function referencesWithKey(files: ScannedFile[], key: string): PinnableReference[] {
  return files.flatMap((file) => file.pinnable.filter((ref) => ref.key === key));
}

async function mirrorHolds(target: string, digest: string, options: RelocateOptions): Promise<boolean> {
  const { store } = await options.open(target);
  try {
    await store.resolve({ digest: parseDigest(digest) }, { signal: options.signal });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

// The lockfile keys an entry by its tag when it has one, else by its digest.
function withoutDigest(reference: string, tagged: boolean): string {
  return tagged ? reference.slice(0, reference.lastIndexOf("@")) : reference;
}
