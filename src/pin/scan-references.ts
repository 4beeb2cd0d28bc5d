import { readFile } from "node:fs/promises";
import { DigestguardError } from "../errors/error.js";
import { formatReference, parseReference, type Reference } from "../oci/reference.js";
import { discoverFiles, findReferencesInFile, type FoundReference } from "./files/index.js";

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
  pinnable: PinnableReference[];
  /** References that could not be pinned, with the reason. */
  problems: { found: FoundReference; reason: string }[];
}

/**
 * Find the files under `paths` and the image references in them, parsed and
 * split into pinnable ones and ones that cannot be pinned (with why). Stages,
 * stage indexes and `scratch` are not images and are left out.
 *
 * @example
 * ```ts
 * const files = await scanReferences(["."], { kubernetes: false });
 * ```
 */
export async function scanReferences(
  paths: string[],
  options: { kubernetes?: boolean; workflows?: boolean; signal?: AbortSignal } = {},
): Promise<ScannedFile[]> {
  const files = await discoverFiles(paths, options);
  const scanned: ScannedFile[] = [];
  for (const path of files) {
    const text = await readFile(path, "utf8").catch((error: unknown) => {
      throw new DigestguardError("IO", `Cannot read ${path}: ${(error as Error).message}.`);
    });
    const file: ScannedFile = { path, text, pinnable: [], problems: [] };
    for (const found of findReferencesInFile(text, path)) classify(found, file);
    scanned.push(file);
  }
  return scanned;
}

function classify(found: FoundReference, file: ScannedFile): void {
  if (found.unpinnable !== undefined) {
    if (!NOT_AN_IMAGE.has(found.unpinnable)) file.problems.push({ found, reason: found.unpinnable });
    return;
  }
  try {
    const reference = parseReference(found.resolved ?? found.written);
    // A tag is the lockfile key; a reference written with a digest only is keyed by that digest.
    const key = reference.tag !== undefined ? formatReference({ ...reference, digest: undefined }) : formatReference(reference);
    file.pinnable.push({ found, reference, key });
  } catch (error) {
    file.problems.push({ found, reason: error instanceof DigestguardError ? error.message : String(error) });
  }
}
