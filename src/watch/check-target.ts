import { DigestguardError, type ErrorCode } from "../errors/error.js";
import { isAborted, isCode } from "../errors/predicates.js";
import type { HistoryStore, Sighting, WatchEvent } from "../history/history-store.js";
import { parseDigest } from "../oci/digest.js";
import type { ContentStore } from "../store/content-store.js";
import { capBytes } from "../text/cap-bytes.js";
import { classifyChange } from "./classify-change.js";
import { sightingOf } from "./sighting-of.js";
import type { WatchTarget } from "./watch-targets.js";

/** What one check found, before actions run. */
export interface CheckResult {
  target: WatchTarget;
  /** Undefined when the check failed: nothing is known, so nothing is recorded as seen. */
  sighting?: Sighting;
  events: WatchEvent[];
  /** Whether the manifest was fetched (the digest was new). */
  fetched: boolean;
  /** What the tag's HEAD answer said is left of the registry's rate limit. */
  rateLimitRemaining?: number;
}

/** What a check reads from and records against. */
export interface CheckDeps {
  store: ContentStore;
  history: HistoryStore;
  at: string;
  signal?: AbortSignal;
  /** Run before each request to the registry: every request takes a slot of the registry's pace. */
  beforeRequest?: (signal?: AbortSignal) => Promise<void>;
  /** Told what the HEAD answer said is left of the rate limit, before any further request. */
  noteRemaining?: (remaining: number | undefined) => Promise<void>;
}

const HISTORY_FAILURES: ErrorCode[] = ["HISTORY_BUSY", "HISTORY_INVALID", "HISTORY_TOO_NEW", "HISTORY_UNAVAILABLE"];

/**
 * Check one tag: HEAD it, and GET its manifest only when the digest differs
 * from the last one seen (the steady state costs one HEAD). A tag the
 * registry says is unknown is absent; any other failure (registry down,
 * auth, 429) is a `check-error` and records no sighting, so an outage is
 * never mistaken for a deletion. Pins the tag no longer holds are looked up
 * by digest and reported when they are gone. `beforeRequest` runs before
 * each request to the registry (its pace; what it throws fails the check).
 *
 * @example
 * ```ts
 * const result = await checkTarget(target, { store, history, at: new Date().toISOString() });
 * ```
 */
export async function checkTarget(target: WatchTarget, deps: CheckDeps): Promise<CheckResult> {
  const { store, history, at, signal } = deps;
  const beforeRequest = deps.beforeRequest ?? (async () => {});
  const previous = await history.latest(target.reference);
  let sighting: Sighting;
  let fetched = false;
  let remaining: number | undefined;
  try {
    await beforeRequest(signal);
    const head = await store.resolve({ tag: target.tag }, { signal });
    remaining = head.rateLimitRemaining;
    await deps.noteRemaining?.(remaining);
    if (previous?.digest === head.digest)
      sighting = { digest: head.digest, mediaType: head.mediaType, platforms: previous.platforms };
    else {
      await beforeRequest(signal);
      sighting = sightingOf(await store.fetchManifest({ digest: head.digest }, { signal }));
      fetched = true;
    }
  } catch (error) {
    // The history failing (a shared pause not read) is the cycle's failure, not the tag's.
    if (isAborted(error) || isCode(error, ...HISTORY_FAILURES)) throw error;
    if (!tagUnknown(error))
      return {
        target,
        events: [checkError(target.reference, at, error)],
        fetched,
        ...(remaining === undefined ? {} : { rateLimitRemaining: remaining }),
      };
    sighting = { platforms: [] };
  }
  const seenBefore =
    sighting.digest !== undefined &&
    sighting.digest !== previous?.digest &&
    (await history.hasSeen(target.reference, sighting.digest));
  const events = classifyChange({ reference: target.reference, at, previous, current: sighting, seenBefore });
  events.push(...(await vanishedPins(target, sighting, { store, at, signal, beforeRequest })));
  return { target, sighting, events, fetched, ...(remaining === undefined ? {} : { rateLimitRemaining: remaining }) };
}

// Only the registry's own "no such manifest" means gone; NAME_UNKNOWN (the repository) counts too.
function tagUnknown(error: unknown): boolean {
  return isCode(error, "MANIFEST_UNKNOWN", "NAME_UNKNOWN", "NOT_FOUND");
}

async function vanishedPins(
  target: WatchTarget,
  sighting: Sighting,
  deps: { store: ContentStore; at: string; signal?: AbortSignal; beforeRequest: Required<CheckDeps>["beforeRequest"] },
): Promise<WatchEvent[]> {
  const held = new Set([sighting.digest, ...sighting.platforms.map((p) => p.digest)]);
  const events: WatchEvent[] = [];
  for (const pin of target.pins.filter((p) => !held.has(p))) {
    try {
      await deps.beforeRequest(deps.signal);
      await deps.store.resolve({ digest: parseDigest(pin) }, { signal: deps.signal });
    } catch (error) {
      if (isAborted(error) || isCode(error, ...HISTORY_FAILURES)) throw error;
      events.push(
        tagUnknown(error)
          ? { kind: "pin-vanished", reference: target.reference, at: deps.at, from: pin }
          : checkError(target.reference, deps.at, error),
      );
    }
  }
  return events;
}

/**
 * The most of an error's text a `check-error` keeps: a registry may answer
 * 64 KiB of error body, and an outage stores one event per tag per cycle.
 */
export const CHECK_ERROR_MESSAGE_BYTES = 2048;

/**
 * A `check-error` event from a failure: code, message (at most
 * {@link CHECK_ERROR_MESSAGE_BYTES}, cut with a marker), whether it is temporary.
 *
 * @example
 * ```ts
 * checkError("127.0.0.1:5000/app:1", at, error).detail?.code; // "REGISTRY_UNAVAILABLE"
 * ```
 */
export function checkError(reference: string, at: string, error: unknown): WatchEvent {
  const code = error instanceof DigestguardError ? error.code : "INTERNAL";
  const temporary = error instanceof DigestguardError ? error.temporary : false;
  const message = capBytes(String((error as Error)?.message ?? error), CHECK_ERROR_MESSAGE_BYTES);
  return { kind: "check-error", reference, at, detail: { code, message, temporary } };
}
