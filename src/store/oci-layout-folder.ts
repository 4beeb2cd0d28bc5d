import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { DigestguardError } from "../errors/error.js";
import { fileSystemError, isErrnoCode, writeFileAtomic } from "../fs/atomic-file.js";
import { emptyLayoutIndex, parseLayoutIndex, serializeLayoutIndex } from "./oci-layout-index.js";

/** The `oci-layout` file's content for the layout version digestguard writes. */
export const OCI_LAYOUT_FILE_CONTENT = JSON.stringify({ imageLayoutVersion: "1.0.0" });

/**
 * Check that `root` is an OCI image layout (a supported `oci-layout` marker
 * and a valid `index.json`) or, with `create`, make the missing parts. The
 * marker is written last, so a folder that has one is always complete.
 *
 * @example
 * ```ts
 * await openLayoutFolder("/abs/images", { create: true, signal });
 * ```
 */
export async function openLayoutFolder(
  root: string,
  options: { create: boolean; signal?: AbortSignal | undefined },
): Promise<void> {
  const { create, signal } = options;
  const markerPath = join(root, "oci-layout");
  const indexPath = join(root, "index.json");
  const marker = await readIfPresent(markerPath, signal);
  if (marker === undefined && !create) throw notALayout(root, await whyNotALayout(root));
  if (marker !== undefined) checkLayoutVersion(marker, markerPath);
  const index = await readIfPresent(indexPath, signal);
  if (index !== undefined) parseLayoutIndex(index, indexPath);
  else if (!create) throw notALayout(root, "it has an oci-layout file but no index.json");
  try {
    await mkdir(join(root, "blobs"), { recursive: true });
  } catch (error) {
    throw fileSystemError("create OCI layout in", root, error, signal);
  }
  if (index === undefined) await writeFileAtomic(indexPath, serializeLayoutIndex(emptyLayoutIndex()), { signal });
  if (marker === undefined) await writeFileAtomic(markerPath, OCI_LAYOUT_FILE_CONTENT, { signal });
}

function checkLayoutVersion(marker: Uint8Array, path: string): void {
  let version: unknown;
  try {
    version = (JSON.parse(new TextDecoder().decode(marker)) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
  } catch (cause) {
    throw new DigestguardError(
      "LAYOUT_INVALID",
      `Cannot read ${path}: it is not valid JSON; repair or recreate the layout.`,
      { cause },
    );
  }
  if (typeof version !== "string" || !/^1\.\d+\.\d+$/.test(version)) {
    throw new DigestguardError(
      "LAYOUT_INVALID",
      `Cannot open the OCI layout with ${path}: imageLayoutVersion ${JSON.stringify(version)} is not supported ` +
        `(expected 1.x.y); write the layout with a tool that produces image-layout 1.0.0.`,
      { details: { path, imageLayoutVersion: version } },
    );
  }
}

async function readIfPresent(path: string, signal: AbortSignal | undefined): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path, { signal });
  } catch (error) {
    if (isErrnoCode(error, "ENOENT") || isErrnoCode(error, "ENOTDIR")) return undefined;
    throw fileSystemError("read", path, error, signal);
  }
}

async function whyNotALayout(root: string): Promise<string> {
  try {
    const info = await stat(root);
    return info.isDirectory() ? "the folder has no oci-layout file" : "it is a file, not a folder";
  } catch {
    return "the folder does not exist";
  }
}

function notALayout(root: string, reason: string): DigestguardError {
  return new DigestguardError(
    "LAYOUT_INVALID",
    `Cannot open OCI image layout ${root}: ${reason}; point at a layout folder or open it with create to make a new one.`,
    { details: { path: root } },
  );
}
