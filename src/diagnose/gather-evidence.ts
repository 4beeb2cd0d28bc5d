import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ContentCache } from "../store/cache/content-cache.js";
import { isAborted, isIntegrityError, isNotFound } from "../errors/predicates.js";
import type { ContentStore } from "../store/content-store.js";
import { verifyBlob } from "../image/verify-blob.js";
import { checkFailure, type CheckFailure } from "../image/verify-report.js";
import { readEngineCopy, type EngineStore } from "./engine-content-store.js";
import type { DigestLocation } from "./locate-digest.js";

/** What one source serves for the located content, now. */
export interface SourceEvidence {
  source: string;
  kind: "registry" | "mirror" | "cache" | "engine";
  outcome: "ok" | "mismatch" | "missing" | "absent" | "unreachable";
  failure?: CheckFailure;
  /** The uncompressed digest, when it was computed (diff_id questions). */
  uncompressedDigest?: string;
  /** For a bad engine copy: how to remove it, in the engine's own commands. */
  remedy?: string;
}

/** The places to re-check. */
export interface EvidenceSources {
  origin?: { name: string; store: ContentStore };
  mirrors: { name: string; store: ContentStore }[];
  cache?: ContentCache;
  /** Local engines' content stores (containerd, BuildKit), read only. */
  engines?: EngineStore[];
}

/**
 * Re-fetch the located manifest or blob from the registry itself, from each
 * configured mirror, the local cache and the local engines' content stores
 * (containerd, BuildKit: read only, when readable), and verify each copy — the
 * evidence that tells a corrupt registry from a bad mirror, a stale cache or
 * a transfer that went wrong once.
 *
 * @example
 * ```ts
 * const evidence = await gatherEvidence(location, { origin, mirrors: [], cache }, { signal });
 * ```
 */
export async function gatherEvidence(
  location: DigestLocation,
  sources: EvidenceSources,
  options: { deep?: boolean; signal?: AbortSignal } = {},
): Promise<SourceEvidence[]> {
  const evidence: SourceEvidence[] = [];
  const remote = [
    ...(sources.origin ? [{ ...sources.origin, kind: "registry" as const }] : []),
    ...sources.mirrors.map((m) => ({ ...m, kind: "mirror" as const })),
  ];
  for (const { name, store, kind } of remote)
    evidence.push({ source: name, kind, ...(await checkCopy(store, location, options)) });
  if (sources.cache !== undefined)
    evidence.push({
      source: sources.cache.root,
      kind: "cache",
      ...(await checkCached(sources.cache, location, options.signal)),
    });
  for (const engine of sources.engines ?? []) evidence.push(await checkEngine(engine, location, options.signal));
  return evidence;
}

async function checkCopy(
  store: ContentStore,
  location: DigestLocation,
  options: { deep?: boolean; signal?: AbortSignal },
): Promise<Omit<SourceEvidence, "source" | "kind">> {
  try {
    if (location.role === "index" || location.role === "manifest") {
      await store.fetchManifest({ digest: location.descriptor.digest }, options);
      return { outcome: "ok" };
    }
    const deep = location.role === "layer" && (options.deep || location.viaDiffId);
    const result = await verifyBlob(store, location.descriptor, { deep, signal: options.signal });
    return { outcome: "ok", ...(result.uncompressedDigest ? { uncompressedDigest: result.uncompressedDigest } : {}) };
  } catch (error) {
    return outcomeOf(error);
  }
}

async function checkCached(
  cache: ContentCache,
  location: DigestLocation,
  signal?: AbortSignal,
): Promise<Omit<SourceEvidence, "source" | "kind">> {
  if (location.descriptor.size <= 0 || !(await cache.has(location.descriptor))) return { outcome: "absent" };
  try {
    await pipeline(await cache.read(location.descriptor, { signal }), new Writable({ write: (_c, _e, cb) => cb() }));
    return { outcome: "ok" };
  } catch (error) {
    return outcomeOf(error);
  }
}

async function checkEngine(
  engine: EngineStore,
  location: DigestLocation,
  signal?: AbortSignal,
): Promise<SourceEvidence> {
  const copy = await readEngineCopy(engine, location.descriptor, signal);
  const base = { source: engine.name, kind: "engine" as const };
  if (copy.outcome === "ok" || copy.outcome === "absent") return { ...base, outcome: copy.outcome };
  if (copy.outcome === "unreadable") return { ...base, outcome: "unreachable", failure: checkFailure(copy.error) };
  return {
    ...base,
    outcome: "mismatch",
    failure: checkFailure(copy.error),
    remedy: engine.remedy(location.descriptor.digest),
  };
}

function outcomeOf(error: unknown): Omit<SourceEvidence, "source" | "kind"> {
  if (isAborted(error)) throw error;
  const failure = checkFailure(error);
  if (isIntegrityError(error)) return { outcome: "mismatch", failure };
  if (isNotFound(error)) return { outcome: "missing", failure };
  return { outcome: "unreachable", failure };
}
