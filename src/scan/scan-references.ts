import { readFile } from "node:fs/promises";
import { DigestguardError } from "../errors/error.js";
import { formatReference, parseReference, type Reference } from "../oci/reference.js";
import { discoverFiles, findReferencesInFile, type DiscoverOptions, type FoundReference } from "./index.js";
import { ignoredByComment } from "./inline-ignore.js";

/** Reasons that mean "not an image" rather than "an image we cannot pin": skipped quietly. */
const NOT_AN_IMAGE = new Set(["scratch", "stage name", "stage index"]);

/** A reference that can be pinned, parsed. */
export interface PinnableReference {
  found: FoundReference;
  reference: Reference;
  /** Canonical text without digest: what the lockfile keys on (with the platform). */
  key: string;
}

/** A file and what was found in it. */
export interface ScannedFile {
  path: string;
  text: string;
  /** How `text` was decoded; writing it back the same way gives the same bytes. */
  encoding: "utf8" | "latin1";
  pinnable: PinnableReference[];
  /** References that could not be pinned, with the reason. */
  problems: { found: FoundReference; reason: string }[];
}

/**
 * Find the files under `paths` and the image references in them, parsed and
 * split into pinnable ones and ones that cannot be pinned (with why). Stages,
 * stage indexes, `scratch` and references marked `# digestguard: ignore`
 * are left out.
 *
 * @example
 * ```ts
 * const files = await scanReferences(["."], { kubernetes: false });
 * ```
 */
export async function scanReferences(paths: string[], options: DiscoverOptions = {}): Promise<ScannedFile[]> {
  const files = await discoverFiles(paths, options);
  const scanned: ScannedFile[] = [];
  for (const path of files) {
    const bytes = await readFile(path).catch((error: unknown) => {
      throw new DigestguardError("IO", `Cannot read ${path}: ${(error as Error).message}.`);
    });
    const file: ScannedFile = { path, ...decodeExactly(bytes), pinnable: [], problems: [] };
    for (const found of findReferencesInFile(file.text, path))
      if (!ignoredByComment(file.text, found)) classify(found, file);
    scanned.push(file);
  }
  return scanned;
}

/**
 * Decode file bytes so that encoding the text back gives the very same
 * bytes: as UTF-8 when they are valid UTF-8, else as latin-1 (one character
 * per byte). Image references are ASCII, so edits to them are the same
 * bytes either way and a stray `0xe9` in a comment survives a pin.
 *
 * @example
 * ```ts
 * decodeExactly(Buffer.from([0x23, 0xe9])); // { text: "#é", encoding: "latin1" }
 * ```
 */
export function decodeExactly(bytes: Buffer): { text: string; encoding: "utf8" | "latin1" } {
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes)
    ? { text, encoding: "utf8" }
    : { text: bytes.toString("latin1"), encoding: "latin1" };
}

function classify(found: FoundReference, file: ScannedFile): void {
  if (found.unpinnable !== undefined) {
    if (!NOT_AN_IMAGE.has(found.unpinnable)) file.problems.push({ found, reason: found.unpinnable });
    return;
  }
  try {
    const reference = parseReference(found.resolved ?? found.written);
    // A tag is the lockfile key; a reference written with a digest only is keyed by that digest.
    const key =
      reference.tag !== undefined ? formatReference({ ...reference, digest: undefined }) : formatReference(reference);
    file.pinnable.push({ found, reference, key });
  } catch (error) {
    file.problems.push({ found, reason: error instanceof DigestguardError ? error.message : String(error) });
  }
}
