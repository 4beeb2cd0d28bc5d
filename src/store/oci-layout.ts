import { lstatSync, realpathSync } from "node:fs";
import { lstat, mkdir, type FileHandle } from "node:fs/promises";
import { dirname, join, resolve as resolvePath } from "node:path";
import { Readable } from "node:stream";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import { digestAlgorithm, digestHex, digestOf, parseDigest, type Digest } from "../oci/digest.js";
import {
  manifestDescriptor,
  MAX_MANIFEST_BYTES,
  parseManifest,
  type FetchedManifest,
  type Manifest,
} from "../oci/manifest.js";
import { verifyBytes, verifyingStream } from "../oci/verifying-stream.js";
import { fileSystemError, isErrnoCode, writeFileAtomic, writeStreamAtomic } from "../fs/atomic-file.js";
import type { BlobReadOptions, CallOptions, ContentStore, Target } from "./content-store.js";
import { isWholeVerifiedReadOf, openVerifiedBlob } from "./verified-read.js";
import { openLayoutFolder } from "./oci-layout-folder.js";
import { isInsideRoot, openRegularFile } from "../fs/regular-file.js";
import { withFileLock } from "../fs/file-lock.js";
import {
  checkRefName,
  findLayoutEntry,
  layoutIndexTags,
  readLayoutIndex,
  unknownTagError,
  withTaggedEntry,
  writeLayoutIndex,
  type LayoutIndex,
} from "./oci-layout-index.js";

/** Options for {@link OciLayoutStore.open}. */
export interface OpenLayoutOptions extends CallOptions {
  /** Make the folder, `oci-layout`, `index.json` and `blobs/` when missing. */
  create?: boolean;
}

/**
 * A {@link ContentStore} over an OCI image-layout folder (`oci-layout`,
 * `index.json`, `blobs/<alg>/<hex>`), readable and writable by skopeo,
 * crane, buildkit and containerd. Tags are the index entries'
 * `org.opencontainers.image.ref.name` annotations. Every file is written
 * atomically and every blob is verified on the way in and on the way out.
 *
 * @example
 * ```ts
 * const store = await OciLayoutStore.open("./images", { create: true });
 * const manifest = await store.fetchManifest({ tag: "base" });
 * ```
 */
export class OciLayoutStore implements ContentStore {
  /** Absolute path of the layout folder. */
  readonly path: string;
  readonly location: string;
  // index.json is read-modify-written; updates from this object run one at a time.
  #indexUpdates: Promise<unknown> = Promise.resolve();

  private constructor(path: string) {
    this.path = path;
    this.location = `oci:${path}`;
  }

  /** Open the layout at `path` (see {@link OpenLayoutOptions.create}); `LAYOUT_INVALID` if it is not one. */
  static async open(path: string, options: OpenLayoutOptions = {}): Promise<OciLayoutStore> {
    const root = resolvePath(path);
    await openLayoutFolder(root, { create: options.create === true, signal: options.signal });
    return new OciLayoutStore(root);
  }

  /** Where the blob with `digest` lives; built only from a validated digest. */
  blobPath(digest: Digest): string {
    const checked = parseDigest(digest);
    return join(this.path, "blobs", digestAlgorithm(checked), digestHex(checked));
  }

  async resolve(target: Target, options: CallOptions = {}): Promise<Descriptor> {
    const { digest, entry } = await this.lookup(target, options.signal);
    if (entry === undefined) return manifestDescriptor(await this.readManifest(digest, undefined, options.signal));
    const size = await this.blobSize(digest, options.signal);
    if (size !== entry.size) {
      throw new DigestguardError(
        "LAYOUT_INVALID",
        `Cannot resolve ${describeTarget(target)} in ${this.location}: index.json names ${digest} ` +
          `(${entry.size} bytes) but ${size === undefined ? "the blob is missing" : `the blob has ${size} bytes`}; ` +
          "the layout is damaged, copy the image into it again.",
        { details: { digest, expectedSize: entry.size, actualSize: size } },
      );
    }
    return { ...entry };
  }

  async fetchManifest(target: Target, options: CallOptions = {}): Promise<FetchedManifest> {
    const { digest, entry } = await this.lookup(target, options.signal);
    return this.readManifest(digest, entry?.mediaType, options.signal);
  }

  async fetchBlob(descriptor: Descriptor, options: BlobReadOptions = {}): Promise<Readable> {
    const digest = parseDigest(descriptor.digest);
    // A file cannot drop its connection: one read, no resumes.
    return openVerifiedBlob(
      this,
      { ...descriptor, digest },
      { ...options, attempts: 1, what: `blob ${digest} in ${this.location}` },
    );
  }

  /**
   * The blob's file, for hashing in worker threads — only when it is a
   * regular file inside the layout; anything else is left to
   * {@link openBlobAt}, which refuses it with a clear error.
   */
  localBlobPath(descriptor: Descriptor): string | undefined {
    const path = this.blobPath(parseDigest(descriptor.digest));
    try {
      if (!lstatSync(path).isFile()) return undefined;
      return isInsideRoot(realpathSync(dirname(path)), realpathSync(this.path)) ? path : undefined;
    } catch {
      return undefined;
    }
  }

  /** The blob file's bytes from `offset` on, unverified. */
  async openBlobAt(
    descriptor: Descriptor,
    offset: number,
    options: CallOptions = {},
  ): Promise<{ stream: Readable; offset: number }> {
    const digest = parseDigest(descriptor.digest);
    const path = this.blobPath(digest);
    let handle: FileHandle;
    try {
      handle = await openRegularFile(path, this.path, options);
    } catch (error) {
      if (isErrnoCode(error, "ENOENT")) {
        throw new DigestguardError(
          "BLOB_UNKNOWN",
          `Cannot read blob ${digest} from ${this.location}: it is not in the layout; copy the image in again.`,
          {
            details: { digest },
          },
        );
      }
      throw error instanceof DigestguardError ? error : fileSystemError("read blob", path, error, options.signal);
    }
    return { stream: handle.createReadStream({ highWaterMark: 1 << 20, start: offset }), offset };
  }

  /** Whether the blob is present with the descriptor's size (a wrong size is damage, not presence). */
  async exists(descriptor: Descriptor, options: CallOptions = {}): Promise<boolean> {
    const size = await this.blobSize(parseDigest(descriptor.digest), options.signal);
    return size === descriptor.size;
  }

  /** Store a verified blob; a `Readable` is destroyed unread when the blob is already present. */
  async pushBlob(descriptor: Descriptor, content: Readable | Uint8Array, options: CallOptions = {}): Promise<void> {
    const digest = parseDigest(descriptor.digest);
    const expected = { digest, size: descriptor.size };
    if (await this.exists(descriptor, options)) {
      if (content instanceof Readable) content.destroy();
      return;
    }
    const path = this.blobPath(digest);
    const what = `blob ${digest} for ${this.location}`;
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      throw fileSystemError("create folder", dirname(path), error, options.signal);
    }
    if (content instanceof Uint8Array) {
      verifyBytes(content, expected, what, digestOf(content, digestAlgorithm(digest)));
      await writeFileAtomic(path, content, options);
    } else {
      // The copy engine hands over a store's own verified read: hashing it again would double the CPU per blob.
      const check = isWholeVerifiedReadOf(content, descriptor) ? undefined : verifyingStream(expected, { what });
      await writeStreamAtomic(path, content, check, options);
    }
  }

  /**
   * Store a manifest under its digest and, with `tag`, point that tag at it
   * in index.json. Everything the manifest references must already be in
   * the layout, so a tag never names an incomplete image.
   */
  async pushManifest(
    bytes: Uint8Array,
    mediaType: string,
    options: CallOptions & { tag?: string } = {},
  ): Promise<Descriptor> {
    const { tag, signal } = options;
    if (tag !== undefined) checkRefName(tag);
    const fetched = parseManifest(bytes, { contentType: mediaType });
    const descriptor = manifestDescriptor(fetched);
    await this.checkReferencesPresent(fetched.manifest, descriptor.digest, signal);
    await this.pushBlob(descriptor, bytes, { signal });
    if (tag !== undefined) await this.updateIndex((index) => withTaggedEntry(index, descriptor, tag), signal);
    return descriptor;
  }

  async listTags(options: CallOptions = {}): Promise<string[]> {
    return layoutIndexTags(await this.readIndex(options.signal));
  }

  private async lookup(target: Target, signal?: AbortSignal): Promise<{ digest: Digest; entry?: Descriptor }> {
    const index = await this.readIndex(signal);
    if (target.digest !== undefined) {
      const digest = parseDigest(target.digest);
      return { digest, entry: findLayoutEntry(index, { digest }) };
    }
    if (target.tag === undefined) {
      throw new DigestguardError("USAGE", `Cannot look up a manifest in ${this.location}: give a tag or a digest.`);
    }
    const entry = findLayoutEntry(index, { tag: target.tag });
    if (entry === undefined) throw unknownTagError(target.tag, index, this.location);
    return { digest: parseDigest(entry.digest), entry };
  }

  private async readManifest(
    digest: Digest,
    contentType: string | undefined,
    signal?: AbortSignal,
  ): Promise<FetchedManifest> {
    const path = this.blobPath(digest);
    const size = await this.blobSize(digest, signal);
    if (size === undefined) {
      throw new DigestguardError(
        "MANIFEST_UNKNOWN",
        `Cannot find manifest ${digest} in ${this.location}: no such blob; check the digest or copy the image in.`,
        { details: { digest } },
      );
    }
    if (size > MAX_MANIFEST_BYTES) {
      throw new DigestguardError(
        "MANIFEST_TOO_LARGE",
        `Cannot read manifest ${digest} in ${this.location}: it has ${size} bytes, over the ` +
          `${MAX_MANIFEST_BYTES}-byte limit for manifests; check that the digest names a manifest, not a layer.`,
        { details: { digest, size, limit: MAX_MANIFEST_BYTES } },
      );
    }
    let bytes: Uint8Array;
    try {
      const handle = await openRegularFile(path, this.path, { signal });
      try {
        bytes = await handle.readFile({ signal });
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw error instanceof DigestguardError ? error : fileSystemError("read manifest", path, error, signal);
    }
    // Checked again on the bytes: the file may have grown since it was sized.
    if (bytes.length > MAX_MANIFEST_BYTES)
      throw new DigestguardError(
        "MANIFEST_TOO_LARGE",
        `Cannot read manifest ${digest} in ${this.location}: over the ${MAX_MANIFEST_BYTES}-byte limit.`,
      );
    return parseManifest(bytes, { expectedDigest: digest, ...(contentType === undefined ? {} : { contentType }) });
  }

  private async blobSize(digest: Digest, signal?: AbortSignal): Promise<number | undefined> {
    const path = this.blobPath(digest);
    try {
      signal?.throwIfAborted();
      // lstat: a symlink is not a blob of this layout, whatever it points at.
      const info = await lstat(path);
      return info.isFile() ? info.size : undefined;
    } catch (error) {
      if (isErrnoCode(error, "ENOENT")) return undefined;
      throw fileSystemError("inspect blob", path, error, signal);
    }
  }

  private async checkReferencesPresent(manifest: Manifest, digest: Digest, signal?: AbortSignal): Promise<void> {
    const children = manifest.kind === "index" ? manifest.manifests : [manifest.config, ...manifest.layers];
    for (const child of children) {
      // Foreign (non-distributable) layers live at their URLs, not in the layout.
      if ((child.urls?.length ?? 0) > 0 || (await this.exists(child, { signal }))) continue;
      throw new DigestguardError(
        manifest.kind === "index" ? "MANIFEST_UNKNOWN" : "BLOB_UNKNOWN",
        `Cannot store manifest ${digest} in ${this.location}: it references ${child.mediaType} ${child.digest}, ` +
          "which is not in the layout; store everything a manifest references before the manifest.",
        { details: { digest, missing: child.digest } },
      );
    }
  }

  private readIndex(signal?: AbortSignal): Promise<LayoutIndex> {
    return readLayoutIndex(this.path, signal);
  }

  // Other processes (two mirror runs, skopeo is not one) may update the same index: read
  // and write it under a lock file, so neither loses the other's entries.
  private updateIndex(change: (index: LayoutIndex) => LayoutIndex, signal?: AbortSignal): Promise<void> {
    const rewrite = async () => writeLayoutIndex(this.path, change(await this.readIndex(signal)), signal);
    const update = this.#indexUpdates.then(() => withFileLock(join(this.path, "index.json.lock"), rewrite, { signal }));
    this.#indexUpdates = update.catch(() => undefined);
    return update;
  }
}

function describeTarget(target: Target): string {
  return target.digest ?? `tag "${target.tag ?? ""}"`;
}
