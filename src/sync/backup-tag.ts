import { DigestguardError } from "../errors/error.js";
import { isNotFound } from "../errors/predicates.js";
import type { Digest } from "../oci/digest.js";
import type { ContentStore } from "../store/content-store.js";

/** Tags are at most 128 characters; a long tag is cut so its backup name still is one. */
const TAG_MAX = 128;
/** Moves of one tag on one day that each get their own backup. */
const MAX_BACKUPS_A_DAY = 50;

/**
 * The tag to keep `previous` under before `tag` moves: `<tag>-backup-<YYYY-MM-DD>`
 * (UTC), or `.2`, `.3`… after it when that name already holds another
 * manifest. A backup is never overwritten: when a tag moves twice in a day,
 * the day's first backup is the one that still holds what the target had
 * before the first move. A name that already holds `previous` is reused.
 *
 * @example
 * ```ts
 * await freeBackupTag(target, "3.19", previousDigest, new Date()); // "3.19-backup-2026-05-04"
 * ```
 */
export async function freeBackupTag(
  store: ContentStore,
  tag: string,
  previous: Digest,
  now: Date,
  signal?: AbortSignal,
): Promise<string> {
  const date = now.toISOString().slice(0, 10);
  for (let n = 1; n <= MAX_BACKUPS_A_DAY; n++) {
    const suffix = `-backup-${date}${n === 1 ? "" : `.${n}`}`;
    const name = `${tag.slice(0, TAG_MAX - suffix.length)}${suffix}`;
    const held = await heldDigest(store, name, signal);
    if (held === undefined || held === previous) return name;
  }
  throw new DigestguardError(
    "UNSUPPORTED",
    `Cannot keep a backup of ${store.location}:${tag}: it moved more than ${MAX_BACKUPS_A_DAY} times today, and backups are never overwritten; look at why the source tag keeps moving.`,
  );
}

async function heldDigest(store: ContentStore, tag: string, signal?: AbortSignal): Promise<Digest | undefined> {
  try {
    return (await store.resolve({ tag }, { signal })).digest;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
