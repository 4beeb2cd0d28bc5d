import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DigestguardError } from "../../errors/error.js";
import type { Descriptor } from "../../oci/descriptor.js";
import { isDigest } from "../../oci/digest.js";
import { isErrnoCode, writeFileAtomic } from "../../fs/atomic-file.js";
import { withFileLock } from "../../fs/file-lock.js";

/** What a reference pointed to when it was last cached. */
export interface CachedRef {
  mediaType: string;
  digest: string;
  size: number;
  updatedAt: string;
}

interface RefsFile {
  version: 1;
  refs: Record<string, CachedRef>;
}

/**
 * The cache's small index of references (`registry/repo:tag` → manifest
 * descriptor), so an image can be found and re-verified offline. Kept in
 * `refs.json`, rewritten atomically under `refs.json.lock`, so processes
 * recording at once each keep their entries.
 *
 * @example
 * ```ts
 * await recordRef(cache.root, "127.0.0.1:5000/app:1.0", descriptor);
 * ```
 */
export async function recordRef(
  root: string,
  reference: string,
  descriptor: Pick<Descriptor, "mediaType" | "digest" | "size">,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const entry = {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    updatedAt: new Date().toISOString(),
  };
  // Other processes record their references at the same time: read, merge and write under one lock, or entries get lost.
  await withFileLock(
    join(root, "refs.json.lock"),
    async () => {
      const file = await readRefs(root);
      file.refs[reference] = entry;
      const sorted = Object.fromEntries(Object.entries(file.refs).sort(([a], [b]) => a.localeCompare(b)));
      await writeFileAtomic(join(root, "refs.json"), `${JSON.stringify({ version: 1, refs: sorted }, null, 2)}\n`, {
        signal: options.signal,
      });
    },
    options,
  );
}

/** Every cached reference. A damaged refs.json is an IO error naming the file. */
export async function readRefs(root: string): Promise<RefsFile> {
  const path = join(root, "refs.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return { version: 1, refs: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as RefsFile;
    if (parsed.version !== 1 || typeof parsed.refs !== "object" || parsed.refs === null)
      throw new Error("unexpected shape");
    for (const [name, ref] of Object.entries(parsed.refs)) {
      if (!isDigest(ref.digest) || !Number.isSafeInteger(ref.size)) throw new Error(`entry ${name} is malformed`);
    }
    return parsed;
  } catch (error) {
    throw new DigestguardError(
      "IO",
      `Cannot read the cache index ${path}: ${(error as Error).message}; delete it to start afresh (blobs are kept).`,
    );
  }
}
