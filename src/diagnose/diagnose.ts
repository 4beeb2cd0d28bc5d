import type { ContentCache } from "../store/cache/content-cache.js";
import { DigestguardError } from "../errors/error.js";
import { isAborted, isNotFound, isUnavailable } from "../errors/predicates.js";
import type { Lockfile } from "../lockfile/lockfile-schema.js";
import type { Digest } from "../oci/digest.js";
import { formatReference, parseReference } from "../oci/reference.js";
import type { ContentStore, Target } from "../store/content-store.js";
import type { Alternative } from "./alternative.js";
import { classifyCause, type Verdict } from "./classify-cause.js";
import type { EngineStore } from "./engine-content-store.js";
import { findAlternatives } from "./find-alternatives.js";
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
  /** Local engines' content stores (containerd, BuildKit) to read, read-only. */
  engines?: EngineStore[];
  /** Look for ways forward (`--alternatives`): earlier pins in this lockfile's git history, verified copies, other tags. */
  alternatives?: { lockfilePath?: string; maxTags?: number };
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
  /** Ways forward, each verified now (only when asked for). */
  alternatives?: Alternative[];
  /** What could not be searched for ways forward, and why. */
  alternativesNotes?: string[];
}

/**
 * Explain a pull or build failure: recognise the error text, find which
 * image, platform and layer the expected digest belongs to (lockfile first,
 * then the images given), re-fetch and verify that content from the
 * registry, each mirror, the local cache and the local engines' content
 * stores, and say which cause fits. A registry host that fails on the
 * network is tried once per run, not once per candidate image.
 *
 * @example
 * ```ts
 * const report = await diagnose({ text, images: ["ruby:3.3-slim"], openOrigin, mirrorsFor });
 * console.log(report.verdict.cause, report.verdict.nextSteps);
 * ```
 */
export async function diagnose(options: DiagnoseOptions): Promise<DiagnoseReport> {
  const parsed = parseErrorText(options.text);
  // Parsing is synchronous; a signal that came while it ran is honoured before any I/O.
  if (options.signal?.aborted)
    throw new DigestguardError("ABORTED", "Cannot diagnose: interrupted; nothing was checked.");
  const { allMatches, ...primary } = parsed;
  const searched: DiagnoseReport["searched"] = [];
  const hosts = new HostMemo();
  const wanted = parsed.expected ?? parsed.namedDiffId;
  const location = wanted === undefined ? undefined : await locate(wanted, parsed, options, hosts, searched);
  let evidence: SourceEvidence[] = [];
  if (location !== undefined) {
    const [origin, mirrors] = await Promise.all([
      hosts.isDown(location.reference) ? undefined : options.openOrigin(location.reference).catch(rethrowAbort),
      options.mirrorsFor(location.reference).catch(() => []),
    ]);
    evidence = await gatherEvidence(
      location,
      {
        ...(origin ? { origin } : {}),
        mirrors,
        ...(options.cache ? { cache: options.cache } : {}),
        engines: options.engines ?? [],
      },
      { deep: parsed.shape === "diff-id-mismatch", signal: options.signal },
    );
  }
  const namedImageMissing =
    parsed.shape === "manifest-unknown" ? await isNamedImageMissing(parsed, options, hosts, searched) : undefined;
  const verdict = classifyCause(parsed, location, evidence, {
    ...(namedImageMissing === undefined ? {} : { namedImageMissing }),
    allLookupsUnreachable: hosts.everyLookupUnreachable(),
  });
  const ways = options.alternatives === undefined ? {} : await waysForward(location, evidence, options, hosts);
  return {
    schemaVersion: 1,
    parsed: { ...primary, otherErrors: Math.max(0, allMatches.length - 1) },
    ...(location ? { location } : {}),
    searched,
    evidence,
    verdict,
    ...ways,
  };
}

async function waysForward(
  location: DigestLocation | undefined,
  evidence: SourceEvidence[],
  options: DiagnoseOptions,
  hosts: HostMemo,
): Promise<Pick<DiagnoseReport, "alternatives" | "alternativesNotes">> {
  if (location === undefined)
    return {
      alternatives: [],
      alternativesNotes: ["the failing content was not located, so there is nothing to find a way around"],
    };
  const found = await findAlternatives(location, {
    openOrigin: options.openOrigin,
    evidence,
    originDown: hosts.isDown(location.reference),
    currentDigest: options.lock?.images.find((i) => i.reference === location.reference)?.digest,
    ...(options.alternatives?.lockfilePath ? { lockfilePath: options.alternatives.lockfilePath } : {}),
    ...(options.alternatives?.maxTags ? { maxTags: options.alternatives.maxTags } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { alternatives: found.alternatives, alternativesNotes: found.notes };
}

async function locate(
  digest: Digest,
  parsed: ParsedErrorText,
  options: DiagnoseOptions,
  hosts: HostMemo,
  searched: DiagnoseReport["searched"],
): Promise<DigestLocation | undefined> {
  const fromLock = options.lock !== undefined ? locateInLockfile(options.lock, digest) : undefined;
  const pinned =
    fromLock !== undefined ? options.lock?.images.find((i) => i.reference === fromLock.reference) : undefined;
  const candidates = [
    ...(pinned !== undefined
      ? [formatReference({ ...parseReference(pinned.reference), tag: undefined, digest: pinned.digest as Digest })]
      : []),
    ...(options.images ?? []),
    ...(parsed.imageReference !== undefined ? [parsed.imageReference] : []),
  ];
  for (const candidate of [...new Set(candidates)]) {
    try {
      const found = await hosts.guard(candidate, async () => {
        const { store, target } = await options.openOrigin(candidate);
        return locateInImage(store, target, candidate, digest, {
          diffIds: parsed.shape === "diff-id-mismatch",
          signal: options.signal,
        });
      });
      if (found !== undefined) return fromLock !== undefined ? { ...found, reference: fromLock.reference } : found;
      searched.push({ reference: candidate, result: "digest not in this image" });
    } catch (error) {
      rethrowAbort(error);
      searched.push({
        reference: candidate,
        result: error instanceof DigestguardError ? `${error.code}: ${error.message}` : String(error),
      });
    }
  }
  return fromLock;
}

/** `manifest unknown` naming an image: ask the registry whether that reference resolves now. */
async function isNamedImageMissing(
  parsed: ParsedErrorText,
  options: DiagnoseOptions,
  hosts: HostMemo,
  searched: DiagnoseReport["searched"],
): Promise<boolean | undefined> {
  const reference = parsed.imageReference;
  if (reference === undefined) return undefined;
  try {
    await hosts.guard(reference, async () => {
      const { store, target } = await options.openOrigin(reference);
      await store.resolve(target, { signal: options.signal });
    });
    searched.push({ reference, result: "resolves now" });
    return false;
  } catch (error) {
    rethrowAbort(error);
    const missing = isNotFound(error);
    searched.push({
      reference,
      result: missing
        ? "not found in the registry (checked now)"
        : `${error instanceof DigestguardError ? error.code : "ERROR"}: ${error instanceof Error ? error.message : String(error)}`,
    });
    return missing ? true : undefined;
  }
}

function rethrowAbort(error: unknown): undefined {
  if (isAborted(error)) throw error;
  return undefined;
}

/**
 * One attempt per unreachable registry host per run: after a network failure
 * every later lookup on that host fails at once with the same error.
 */
class HostMemo {
  readonly #down = new Map<string, unknown>();
  #lookups = 0;
  #unreachable = 0;

  async guard<T>(reference: string, open: () => Promise<T>): Promise<T> {
    const host = hostOf(reference);
    this.#lookups += 1;
    const earlier = host === undefined ? undefined : this.#down.get(host);
    if (earlier !== undefined) {
      this.#unreachable += 1;
      throw earlier;
    }
    try {
      return await open();
    } catch (error) {
      if (isUnavailable(error)) {
        this.#unreachable += 1;
        if (host !== undefined) this.#down.set(host, error);
      }
      throw error;
    }
  }

  isDown(reference: string): boolean {
    const host = hostOf(reference);
    return host !== undefined && this.#down.has(host);
  }

  everyLookupUnreachable(): boolean {
    return this.#lookups > 0 && this.#unreachable === this.#lookups;
  }
}

function hostOf(reference: string): string | undefined {
  try {
    return parseReference(reference).registry;
  } catch {
    return undefined;
  }
}
