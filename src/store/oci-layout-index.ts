import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import { parseManifest } from "../oci/manifest.js";
import { MediaType } from "../oci/media-types.js";
import { fileSystemError, isErrnoCode, writeFileAtomic } from "../fs/atomic-file.js";

/** The annotation that names an entry of an OCI layout's `index.json`: its tag. */
export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

// image-spec annotations.md: ref ::= component ("/" component)*; component ::= alphanum (separator alphanum)*.
const REF_NAME_PATTERN =
  /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/;

/**
 * An OCI layout's `index.json`: the validated entries, plus the document as
 * read so that a rewrite keeps every field and entry another tool put there.
 */
export interface LayoutIndex {
  /** The JSON object as read; `manifests[i]` is the raw form of `entries[i]`. */
  document: Record<string, unknown>;
  entries: Descriptor[];
}

/**
 * A layout index with no entries, as a new layout starts.
 *
 * @example
 * ```ts
 * await writeLayoutIndex(root, emptyLayoutIndex(), signal);
 * ```
 */
export function emptyLayoutIndex(): LayoutIndex {
  return { document: { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }, entries: [] };
}

/**
 * Parse and validate `index.json` bytes; any defect is `LAYOUT_INVALID`
 * naming the file, with the precise schema error as the cause.
 *
 * @example
 * ```ts
 * const index = parseLayoutIndex(await readFile(join(root, "index.json")), join(root, "index.json"));
 * ```
 */
export function parseLayoutIndex(bytes: Uint8Array, path: string): LayoutIndex {
  let entries: Descriptor[];
  try {
    const parsed = parseManifest(bytes, { contentType: MediaType.ociIndex });
    if (parsed.manifest.kind !== "index") throw new Error("it is an image manifest, not an image index");
    entries = parsed.manifest.manifests;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DigestguardError(
      "LAYOUT_INVALID",
      `Cannot read OCI layout index ${path}: ${reason.replace(/\.$/, "")}; repair or recreate the layout.`,
      { cause, details: { path } },
    );
  }
  const document = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  return { document, entries };
}

/**
 * Read and validate `<root>/index.json`; a missing file is `LAYOUT_INVALID`.
 *
 * @example
 * ```ts
 * const tags = layoutIndexTags(await readLayoutIndex("/abs/layout", { signal }));
 * ```
 */
export async function readLayoutIndex(root: string, signal?: AbortSignal): Promise<LayoutIndex> {
  const path = join(root, "index.json");
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path, { signal });
  } catch (error) {
    if (!isErrnoCode(error, "ENOENT")) throw fileSystemError("read", path, error, signal);
    throw new DigestguardError(
      "LAYOUT_INVALID",
      `Cannot read ${path}: the file is gone; the layout is damaged, recreate it.`,
      {
        cause: error,
      },
    );
  }
  return parseLayoutIndex(bytes, path);
}

/**
 * Replace `<root>/index.json` atomically with `index`.
 *
 * @example
 * ```ts
 * await writeLayoutIndex(root, withTaggedEntry(await readLayoutIndex(root), descriptor, "v1"), signal);
 * ```
 */
export async function writeLayoutIndex(root: string, index: LayoutIndex, signal?: AbortSignal): Promise<void> {
  await writeFileAtomic(join(root, "index.json"), serializeLayoutIndex(index), { signal });
}

/**
 * The compact JSON text of a layout index, ready to be written atomically.
 *
 * @example
 * ```ts
 * serializeLayoutIndex(emptyLayoutIndex()); // '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}'
 * ```
 */
export function serializeLayoutIndex(index: LayoutIndex): string {
  return JSON.stringify(index.document);
}

/**
 * The tag of an entry, if it has one.
 *
 * @example
 * ```ts
 * entryTag({ ...descriptor, annotations: { [REF_NAME_ANNOTATION]: "v1" } }); // "v1"
 * ```
 */
export function entryTag(entry: Descriptor): string | undefined {
  return entry.annotations?.[REF_NAME_ANNOTATION];
}

/**
 * Every tag in index order, each once.
 *
 * @example
 * ```ts
 * const tags = layoutIndexTags(await readLayoutIndex(root));
 * ```
 */
export function layoutIndexTags(index: LayoutIndex): string[] {
  const tags = index.entries.map(entryTag).filter((tag): tag is string => tag !== undefined);
  return [...new Set(tags)];
}

/**
 * The first entry for `digest` when one is given, else the first entry carrying `tag`.
 *
 * @example
 * ```ts
 * const entry = findLayoutEntry(index, { tag: "v1" });
 * ```
 */
export function findLayoutEntry(index: LayoutIndex, target: { tag?: string; digest?: Digest }): Descriptor | undefined {
  if (target.digest !== undefined) return index.entries.find((entry) => entry.digest === target.digest);
  return index.entries.find((entry) => entryTag(entry) === target.tag);
}

/**
 * A copy of `index` where `tag` names `descriptor`: the first entry that
 * had the tag is replaced in place, later duplicates are dropped, every
 * other entry stays where it was; a new tag is appended.
 *
 * @example
 * ```ts
 * const next = withTaggedEntry(index, manifestDescriptor(fetched), "v1");
 * ```
 */
export function withTaggedEntry(index: LayoutIndex, descriptor: Descriptor, tag: string): LayoutIndex {
  checkRefName(tag);
  const entry: Descriptor = {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(descriptor.platform === undefined ? {} : { platform: descriptor.platform }),
    annotations: { ...descriptor.annotations, [REF_NAME_ANNOTATION]: tag },
  };
  const raw = rawEntries(index);
  const entries: Descriptor[] = [];
  const document: unknown[] = [];
  let placed = false;
  index.entries.forEach((existing, i) => {
    if (entryTag(existing) !== tag) {
      entries.push(existing);
      document.push(raw[i]);
    } else if (!placed) {
      entries.push(entry);
      document.push(entry);
      placed = true;
    }
  });
  if (!placed) {
    entries.push(entry);
    document.push(entry);
  }
  return { document: { ...index.document, manifests: document }, entries };
}

/**
 * `MANIFEST_UNKNOWN` for a tag the index lacks, naming the known tags when there are few.
 *
 * @example
 * ```ts
 * if (entry === undefined) throw unknownTagError("v9", index, "oci:/abs/layout");
 * ```
 */
export function unknownTagError(tag: string, index: LayoutIndex, location: string): DigestguardError {
  const known = layoutIndexTags(index);
  const which =
    known.length === 0
      ? "the layout has no tags"
      : known.length <= 10
        ? `known tags: ${known.join(", ")}`
        : `none of its ${known.length} tags matches`;
  return new DigestguardError(
    "MANIFEST_UNKNOWN",
    `Cannot find tag "${tag}" in ${location}: ${which}; check the tag name.`,
    {
      details: { tag, knownTags: known.length },
    },
  );
}

/**
 * Refuse (`REFERENCE_INVALID`) a tag that the image-spec's `ref.name`
 * grammar does not allow, so that other tools can read what is written.
 *
 * @example
 * ```ts
 * checkRefName("1.0-alpine"); // fine
 * checkRefName("-bad");       // throws
 * ```
 */
export function checkRefName(tag: string): void {
  if (!REF_NAME_PATTERN.test(tag)) {
    throw new DigestguardError(
      "REFERENCE_INVALID",
      `Cannot use "${tag}" as a tag in an OCI layout: it must be letters and digits separated by single ` +
        `'-', '.', '_', ':', '@', '+' or '--' (and '/'); choose another tag.`,
    );
  }
}

function rawEntries(index: LayoutIndex): unknown[] {
  const manifests = index.document["manifests"];
  return Array.isArray(manifests) ? manifests : index.entries;
}
