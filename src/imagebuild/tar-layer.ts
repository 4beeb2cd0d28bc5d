import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { pack, type Header } from "tar-stream";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { digestOf, type Digest } from "../oci/digest.js";
import { MediaType } from "../oci/media-types.js";

/** One regular file in a layer; parent folders are added automatically. */
export interface LayerFile {
  /** Path inside the image, such as `etc/os-release` (a leading `/` is ignored). */
  path: string;
  content: string | Uint8Array;
  /** Permission bits; default 0o644. */
  mode?: number;
}

/** A built piece of content: its exact bytes and the descriptor that names them. */
export interface BuiltBlob {
  bytes: Uint8Array;
  descriptor: Descriptor;
}

/** Options for {@link buildLayer}. */
export interface BuildLayerOptions {
  compression: "gzip" | "none";
  /** Media type of the descriptor; default the OCI layer type for the compression. */
  mediaType?: string;
}

const gzipAsync = promisify(gzip);
const EPOCH = new Date(0);

/**
 * Build a layer blob from files: a deterministic tar (entries in the given
 * order, parent folders first, mtime 0, owner 0:0, no user names), gzipped
 * without a timestamp when asked. The same files always give the same
 * digest. `diffId` is the digest of the uncompressed tar, as an image
 * config's `rootfs.diff_ids` lists it. Meant for test fixtures and demos:
 * the layer is built in memory.
 *
 * @example
 * ```ts
 * const layer = await buildLayer([{ path: "etc/motd", content: "hi\n" }], { compression: "gzip" });
 * layer.descriptor.digest; layer.diffId;
 * ```
 */
export async function buildLayer(
  files: LayerFile[],
  options: BuildLayerOptions,
): Promise<BuiltBlob & { diffId: Digest }> {
  const tar = await packTar(files);
  const bytes = options.compression === "gzip" ? new Uint8Array(await gzipAsync(tar, { level: 6 })) : tar;
  const mediaType =
    options.mediaType ?? (options.compression === "gzip" ? MediaType.ociLayerGzip : MediaType.ociLayerTar);
  return { bytes, descriptor: { mediaType, digest: digestOf(bytes), size: bytes.length }, diffId: digestOf(tar) };
}

async function packTar(files: LayerFile[]): Promise<Uint8Array> {
  const archive = pack();
  const folders = new Set<string>();
  for (const file of files) {
    const path = normalizeLayerPath(file.path);
    for (const folder of parentFolders(path)) {
      if (folders.has(folder)) continue;
      folders.add(folder);
      archive.entry(header(`${folder}/`, "directory", 0o755, 0));
    }
    const content = typeof file.content === "string" ? Buffer.from(file.content, "utf8") : Buffer.from(file.content);
    archive.entry(header(path, "file", file.mode ?? 0o644, content.length), content);
  }
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

function header(
  name: string,
  type: "file" | "directory",
  mode: number,
  size: number,
): Partial<Header> & { name: string } {
  return { name, type, mode, size, mtime: EPOCH, uid: 0, gid: 0, uname: "", gname: "" };
}

function normalizeLayerPath(path: string): string {
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.length === 0 || parts.includes("..")) {
    throw new DigestguardError(
      "USAGE",
      `Cannot add "${path}" to a layer: a file path must name a file inside the image, without "..".`,
    );
  }
  return parts.join("/");
}

function parentFolders(path: string): string[] {
  const parts = path.split("/");
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/"));
}
