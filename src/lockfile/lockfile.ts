import { readFile, realpath } from "node:fs/promises";
import { DigestguardError } from "../errors/error.js";
import { isErrnoCode, writeFileAtomic } from "../fs/atomic-file.js";
import { lockfileSchema, type LockedImage, type Lockfile } from "./lockfile-schema.js";

/** The lockfile's default name. */
export const LOCKFILE_NAME = "digestguard.lock";

/**
 * Read and validate a lockfile. Missing → undefined. Anything malformed or
 * hand-edited wrongly is a LOCKFILE_INVALID error naming the entry and field
 * (e.g. `images[3] (docker.io/library/ruby:3.3-slim).platforms[0].manifest`).
 *
 * @example
 * ```ts
 * const lock = await readLockfile("digestguard.lock");
 * ```
 */
export async function readLockfile(path: string): Promise<Lockfile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return undefined;
    throw new DigestguardError("IO", `Cannot read lockfile ${path}: ${(error as Error).message}.`);
  }
  return parseLockfile(text, path);
}

/** Parse lockfile text (see {@link readLockfile}). */
export function parseLockfile(text: string, path: string): Lockfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new DigestguardError(
      "LOCKFILE_INVALID",
      `Cannot read lockfile ${path}: it is not valid JSON (${(error as Error).message}); restore it from version control or run "digestguard pin" to regenerate it.`,
    );
  }
  const result = lockfileSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = describePath(raw, issue?.path ?? []);
  throw new DigestguardError(
    "LOCKFILE_INVALID",
    `Cannot read lockfile ${path}: ${where}: ${issue?.message ?? "invalid"}; fix that entry or run "digestguard pin" to regenerate it.`,
    {
      details: { path: issue?.path },
    },
  );
}

function describePath(raw: unknown, path: PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  const parts = path
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");
  if (path[0] === "images" && typeof path[1] === "number") {
    const image = (raw as { images?: { reference?: unknown }[] }).images?.[path[1]];
    if (typeof image?.reference === "string")
      return parts.replace(/^images\[\d+\]/, (m) => `${m} (${image.reference})`);
  }
  return parts;
}

/**
 * Serialize deterministically: images sorted by reference then platform,
 * sources by file and line, stable key order, two-space JSON, final newline —
 * so diffs show only what changed.
 *
 * @example
 * ```ts
 * serializeLockfile({ lockfileVersion: 1, images });
 * ```
 */
export function serializeLockfile(lock: Lockfile): string {
  const images = [...lock.images]
    .map(normalizeImage)
    .sort((a, b) => byCodeUnits(a.reference, b.reference) || byCodeUnits(a.platform ?? "", b.platform ?? ""));
  const kinds = lock.kinds === undefined ? {} : { kinds: [...new Set(lock.kinds)].sort(byCodeUnits) };
  return `${JSON.stringify({ lockfileVersion: 1, ...kinds, images }, null, 2)}\n`;
}

function normalizeImage(image: LockedImage): LockedImage {
  return {
    reference: image.reference,
    ...(image.tag !== undefined ? { tag: image.tag } : {}),
    digest: image.digest,
    mediaType: image.mediaType,
    ...(image.platform !== undefined ? { platform: image.platform } : {}),
    resolvedAt: image.resolvedAt,
    resolvedFrom: image.resolvedFrom,
    sources: [...image.sources]
      .sort((a, b) => byCodeUnits(a.file, b.file) || a.line - b.line)
      .map((s) => ({ file: s.file, line: s.line, written: s.written })),
    platforms: [...image.platforms]
      .sort((a, b) => byCodeUnits(a.platform, b.platform))
      .map((p) => ({
        platform: p.platform,
        manifest: p.manifest,
        config: p.config,
        layers: p.layers.map((l) => ({
          digest: l.digest,
          size: l.size,
          mediaType: l.mediaType,
          ...(l.diffId !== undefined ? { diffId: l.diffId } : {}),
        })),
      })),
  };
}

// Not localeCompare: its order follows the machine's locale (in Estonian "z"
// sorts before "t"), and two teammates must get the same bytes.
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Write the lockfile atomically (temp file, fsync, rename). A symlinked
 * lockfile is written through: its target changes and the link stays.
 *
 * @example
 * ```ts
 * await writeLockfile("digestguard.lock", { lockfileVersion: 1, images });
 * ```
 */
export async function writeLockfile(
  path: string,
  lock: Lockfile,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const target = await realpath(path).catch(() => path);
  await writeFileAtomic(target, serializeLockfile(lock), options);
}
