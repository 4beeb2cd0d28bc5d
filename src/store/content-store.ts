import type { Readable } from "node:stream";
import type { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";
import type { Digest } from "../oci/digest.js";
import type { FetchedManifest } from "../oci/manifest.js";

/** What to look up in a store: a tag or a digest (a digest wins when both are given). */
export interface Target {
  tag?: string;
  digest?: Digest;
}

/** Who answered a read, when the store can say: the registry host or a mirror's. */
export interface Answered {
  /** The host that served the answer. */
  source?: string;
  /** True when that host is a mirror, not the registry itself. */
  mirror?: boolean;
  /** Pulls the registry says are left (Docker Hub's `ratelimit-remaining`), when a resolve's answer said. */
  rateLimitRemaining?: number;
}

/** Options every store call takes. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Options of a verified blob read. */
export interface BlobReadOptions extends CallOptions {
  /** Bytes as they arrive from the source, for progress displays. */
  onBytes?: (count: number) => void;
  /** A dropped read was resumed at `offset` (a Range request). */
  onResume?: (offset: number) => void;
}

/**
 * One repository's worth of content, wherever it lives: a registry
 * repository, an OCI image-layout folder, or the local cache. Features talk
 * only to this interface so the same code verifies, mirrors and pins from
 * any source.
 *
 * Every read is verified: `fetchManifest` checks the digest of the bytes it
 * returns when the target is a digest, and `fetchBlob` returns a stream that
 * errors (never ends normally) if the bytes do not match the descriptor.
 */
export interface ContentStore {
  /** Human-readable location, e.g. `docker://127.0.0.1:5000/app` or `oci:/tmp/layout`. */
  readonly location: string;
  /** Descriptor of what `target` points to, as cheaply as the store allows (HEAD on a registry). */
  resolve(target: Target, options?: CallOptions): Promise<Descriptor & Answered>;
  /** The manifest at `target`, with its exact bytes and computed digest. */
  fetchManifest(target: Target, options?: CallOptions): Promise<FetchedManifest & Answered>;
  /** Every host that answered this store's reads so far (registry stores), mirror or not. */
  answeredBy?(): { source: string; mirror: boolean }[];
  /**
   * The same repository read from the registry itself, skipping mirrors —
   * present only on a registry store that has mirrors, so a caller can tell
   * a stale mirror from the truth.
   */
  origin?(): ContentStore;
  /**
   * The blob's bytes through the one verified read (`readVerifiedBlob`):
   * the stream errors, never ends normally, unless size and digest match.
   */
  fetchBlob(descriptor: Descriptor, options?: BlobReadOptions): Promise<Readable>;
  /**
   * The blob's raw bytes from `offset` on, NOT verified, and where they really
   * start (0 when the store cannot seek). For resumable copies that verify the
   * whole blob themselves.
   */
  openBlobAt(
    descriptor: Descriptor,
    offset: number,
    options?: CallOptions,
  ): Promise<{ stream: Readable; offset: number }>;
  /**
   * Where the blob's bytes sit on this machine, for stores that keep them in
   * plain files (OCI layouts, the cache) — lets verification hash files on
   * several cores. Undefined for remote stores.
   */
  localBlobPath?(descriptor: Descriptor): string | undefined;
  /**
   * Told when one of this store's blobs was proven bad by a check that did
   * not stream through `fetchBlob` (hashing its local file on another core);
   * returns the error to report. The cache moves such a blob to quarantine.
   */
  blobProvenBad?(descriptor: Descriptor, error: DigestguardError): Promise<DigestguardError>;
  /** Whether a blob (or manifest, by digest) is present. */
  exists(descriptor: Descriptor, options?: CallOptions): Promise<boolean>;
  /** Store a blob; its bytes are verified against `descriptor` before it becomes visible. */
  pushBlob(descriptor: Descriptor, content: Readable | Uint8Array, options?: CallOptions): Promise<void>;
  /**
   * Make a blob present by reference to another store of the same registry
   * (a cross-repository mount: no bytes move). False when it cannot; then
   * the caller pushes the bytes.
   */
  mountBlob?(descriptor: Descriptor, from: ContentStore, options?: CallOptions): Promise<boolean>;
  /** Store a manifest's exact bytes, under its digest and optionally a tag. */
  pushManifest(bytes: Uint8Array, mediaType: string, options?: CallOptions & { tag?: string }): Promise<Descriptor>;
  /**
   * Descriptors of the manifests whose `subject` is `digest`, from the OCI
   * referrers API; `undefined` when the store has no such API (registries
   * before distribution spec v1.1, OCI layouts), so the caller reads the
   * `sha256-<hex>` fallback tag instead.
   */
  listReferrers?(digest: Digest, options?: CallOptions): Promise<Descriptor[] | undefined>;
  /** Every tag in the repository, in the store's order. */
  listTags(options?: CallOptions): Promise<string[]>;
}
