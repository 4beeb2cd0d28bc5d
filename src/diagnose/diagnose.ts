import type { ContentCache } from "../store/cache/content-cache.js";
import { DigestguardError } from "../errors/error.js";
import type { Lockfile } from "../lockfile/lockfile-schema.js";
import type { Digest } from "../oci/digest.js";
import { formatReference, parseReference } from "../oci/reference.js";
import type { ContentStore, Target } from "../store/content-store.js";
import { classifyCause, type Verdict } from "./classify-cause.js";
import { gatherEvidence, type SourceEvidence } from "./gather-evidence.js";
import { locateInImage, locateInLockfile, type DigestLocation } from "./locate-digest.js";
import { parseErrorText, type ParsedErrorText } from "./parse-error-text.js";

/** Where diagnose may look, and how it reaches registries. */
export interface DiagnoseOptions {
  text: string;
  /** Images to search for the digest, best first (`--image`, then references from Dockerfiles). */
  images?: string[];
  lock?: Lockfile;
  /** A registry store for a reference, without mirrors: the origin's own answer. */
  openOrigin: (reference: string) => Promise<{ name: string; store: ContentStore; target: Target }>;
  /** Each configured mirror of the reference's registry, as its own store. */
  mirrorsFor: (reference: string) => Promise<{ name: string; store: ContentStore }[]>;
  cache?: ContentCache;
  signal?: AbortSignal;
}

/** What `diagnose` found, `--json` schema version 1. */
export interface DiagnoseReport {
  schemaVersion: 1;
  parsed: Omit<ParsedErrorText, "allMatches"> & { otherErrors: number };
  location?: DigestLocation;
  /** Images searched for the digest without finding it, with why. */
  searched: { reference: string; result: string }[];
  evidence: SourceEvidence[];
  verdict: Verdict;
}

/**
 * Explain a pull or build failure: recognise the error text, find which
 * image, platform and layer the expected digest belongs to (lockfile first,
 * then the images given), re-fetch and verify that content from the
 * registry, each mirror and the local cache, and say which cause fits.
 *
 * @example
 * ```ts
 * const report = await diagnose({ text, images: ["ruby:3.3-slim"], openOrigin, mirrorsFor });
 * console.log(report.verdict.cause, report.verdict.nextSteps);
 * ```
 */
export async function diagnose(options: DiagnoseOptions): Promise<DiagnoseReport> {
  const parsed = parseErrorText(options.text);
  const { allMatches, ...primary } = parsed;
  const searched: DiagnoseReport["searched"] = [];
  const wanted = parsed.expected ?? parsed.namedDiffId;
  const location = wanted === undefined ? undefined : await locate(wanted, parsed, options, searched);
  let evidence: SourceEvidence[] = [];
  if (location !== undefined) {
    const [origin, mirrors] = await Promise.all([
      options.openOrigin(location.reference).catch(() => undefined),
      options.mirrorsFor(location.reference).catch(() => []),
    ]);
    evidence = await gatherEvidence(location, { ...(origin ? { origin } : {}), mirrors, ...(options.cache ? { cache: options.cache } : {}) }, { deep: parsed.shape === "diff-id-mismatch", signal: options.signal });
  }
  return { schemaVersion: 1, parsed: { ...primary, otherErrors: Math.max(0, allMatches.length - 1) }, ...(location ? { location } : {}), searched, evidence, verdict: classifyCause(parsed, location, evidence) };
}

async function locate(digest: Digest, parsed: ParsedErrorText, options: DiagnoseOptions, searched: DiagnoseReport["searched"]): Promise<DigestLocation | undefined> {
  const fromLock = options.lock !== undefined ? locateInLockfile(options.lock, digest) : undefined;
  const pinned = fromLock !== undefined ? options.lock?.images.find((i) => i.reference === fromLock.reference) : undefined;
  const candidates = [
    ...(pinned !== undefined ? [formatReference({ ...parseReference(pinned.reference), tag: undefined, digest: pinned.digest as Digest })] : []),
    ...(options.images ?? []),
    ...(parsed.imageReference !== undefined ? [parsed.imageReference] : []),
  ];
  for (const candidate of [...new Set(candidates)]) {
    try {
      const { store, target } = await options.openOrigin(candidate);
      const found = await locateInImage(store, target, candidate, digest, { diffIds: parsed.shape === "diff-id-mismatch", signal: options.signal });
      if (found !== undefined) return fromLock !== undefined ? { ...found, reference: fromLock.reference } : found;
      searched.push({ reference: candidate, result: "digest not in this image" });
    } catch (error) {
      if (error instanceof DigestguardError && error.code === "ABORTED") throw error;
      searched.push({ reference: candidate, result: error instanceof DigestguardError ? `${error.code}: ${error.message}` : String(error) });
    }
  }
  return fromLock;
}
