/**
 * digestguard's library API: everything the CLI does is a call into these.
 *
 * @example
 * ```ts
 * import { parseReference, RegistryClient, RegistryStore, inspectImage } from "digestguard";
 * ```
 */
export { DigestguardError, ExitCode, ERROR_CODES, type ErrorCode } from "./errors/error.js";
export {
  parseDigest,
  isDigest,
  digestOf,
  createDigestHasher,
  EMPTY_SHA256,
  type Digest,
  type DigestAlgorithm,
} from "./oci/digest.js";
export {
  parseReference,
  parseRepository,
  formatReference,
  familiarReference,
  withDigest,
  isDockerHub,
  type Reference,
} from "./oci/reference.js";
export { parsePlatform, formatPlatform, normalizePlatform, platformMatches } from "./oci/platform.js";
export type { Descriptor, Platform } from "./oci/descriptor.js";
export { MediaType, MANIFEST_ACCEPT, isManifestMediaType } from "./oci/media-types.js";
export {
  parseManifest,
  manifestDescriptor,
  MAX_MANIFEST_BYTES,
  type Manifest,
  type ImageIndex,
  type ImageManifest,
  type FetchedManifest,
} from "./oci/manifest.js";
export { parseImageConfig, type ImageConfig } from "./oci/image-config.js";
export { selectPlatform, imagePlatforms } from "./oci/select-platform.js";
export { verifyingStream } from "./oci/verifying-stream.js";
export {
  RegistryClient,
  type RegistryClientOptions,
  type RepositoryName,
  type RegistryManifest,
} from "./registry/registry-client.js";
export { findCredentials, type Credentials } from "./registry/auth/credentials.js";
export type { ContentStore, Target } from "./store/content-store.js";
export { RegistryStore } from "./store/registry-store.js";
export { OciLayoutStore } from "./store/oci-layout.js";
export { openLocation, parseLocation, type Location } from "./store/open-location.js";
export { inspectImage, type InspectReport } from "./inspect/inspect-image.js";
export { resolveDigests, type DigestResult } from "./digest/resolve-digests.js";
export { buildImage, type ImageSpec, type BuiltImage } from "./imagebuild/image.js";
export { writeImage } from "./imagebuild/write-image.js";
export { loadConfig } from "./config/load-config.js";
export { verifyImage, type VerifyImageOptions, type VerifyProgress } from "./image/verify-image.js";
export type { VerifyReport, BlobCheck, ManifestCheck, CheckFailure } from "./image/verify-report.js";
export { verifyBlob } from "./image/verify-blob.js";
export { ContentCache, type VerifyOnRead } from "./store/cache/content-cache.js";
export { CacheStore } from "./store/cache/cache-store.js";
export { listCache, verifyCache, pruneCache } from "./cache/cache-maintenance.js";
export { walkImage, type ImageTree, type WalkedImage } from "./image/walk-image.js";
export { readVerifiedBlob } from "./store/verified-read.js";
export { parseErrorText, type ParsedErrorText, type ErrorShape } from "./diagnose/parse-error-text.js";
export { diagnose, type DiagnoseReport } from "./diagnose/diagnose.js";
export { classifyCause, type Cause, type Verdict } from "./diagnose/classify-cause.js";
export { pinFiles, type PinReport } from "./pin/pin-files.js";
export { runCheck, checkExitCode, type CheckReport } from "./check/run-check.js";
export { renderCheck, type CheckFormat } from "./check/render-check.js";
export { readLockfile, writeLockfile, parseLockfile, serializeLockfile, LOCKFILE_NAME } from "./lockfile/lockfile.js";
export type { Lockfile, LockedImage } from "./lockfile/lockfile-schema.js";
export { findReferencesInFile, discoverFiles, type FoundReference } from "./scan/index.js";
export {
  isAborted,
  isCode,
  isContentMismatch,
  isIntegrityError,
  isNotFound,
  isUnavailable,
} from "./errors/predicates.js";
export { openVerifiedBlob } from "./store/verified-read.js";
export { CachingStore } from "./store/cache/caching-store.js";
export { verifyReference, type VerifyReferenceOptions } from "./verify/verify-reference.js";
export { diagnoseText } from "./diagnose/diagnose-text.js";
export { mirrorImage } from "./mirror/mirror-image.js";
export { classifyChange } from "./watch/classify-change.js";
export type { HistoryStore } from "./history/history-store.js";
