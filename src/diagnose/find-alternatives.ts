import { DigestguardError } from "../errors/error.js";
import type { Alternative, OpenOrigin } from "./alternative.js";
import type { SourceEvidence } from "./gather-evidence.js";
import { readLockfileHistory } from "./lockfile-history.js";
import type { DigestLocation } from "./locate-digest.js";
import { checkPreviousPin } from "./previous-pin-alternative.js";
import { previousPins } from "./previous-pins.js";
import { findTagsWithContent } from "./tag-alternatives.js";

/** What to look through for ways forward, and how far. */
export interface AlternativesOptions {
  openOrigin: OpenOrigin;
  /** The evidence already gathered: mirror and cache copies that verified are offered. */
  evidence: SourceEvidence[];
  /** The lockfile whose git history holds earlier pins. */
  lockfilePath?: string;
  /** The digest the failing reference is pinned to now (left out of the earlier pins). */
  currentDigest?: string;
  /** Whether the origin's host already failed on the network this run (then nothing is asked of it). */
  originDown?: boolean;
  /** Earlier pins verified at most; default 3. */
  maxPreviousPins?: number;
  /** Tags examined at most; default 50. */
  maxTags?: number;
  signal?: AbortSignal;
}

/**
 * Ways forward from a failing digest, each verified before it is offered:
 * earlier digests of the same reference from the lockfile's git history
 * (whole image verified), mirror and cache copies that verified, and other
 * tags of the same repository that carry the failing layer (that layer
 * fetched and verified). `notes` says plainly what could not be searched and
 * why. Removing the pin is never among them.
 *
 * @example
 * ```ts
 * const { alternatives, notes } = await findAlternatives(location, { openOrigin, evidence, lockfilePath: "digestguard.lock" });
 * ```
 */
export async function findAlternatives(
  location: DigestLocation,
  options: AlternativesOptions,
): Promise<{ alternatives: Alternative[]; notes: string[] }> {
  const notes: string[] = [];
  const alternatives: Alternative[] = [];
  if (options.originDown)
    notes.push(`earlier pins and other tags: not checked, ${location.reference}'s registry was unreachable`);
  else alternatives.push(...(await earlierPins(location, options, notes)));
  alternatives.push(...verifiedCopies(options.evidence));
  if (!options.originDown) alternatives.push(...(await otherTags(location, options, notes)));
  return { alternatives, notes };
}

async function earlierPins(
  location: DigestLocation,
  options: AlternativesOptions,
  notes: string[],
): Promise<Alternative[]> {
  if (options.lockfilePath === undefined) {
    notes.push("lockfile history: no lockfile, so no earlier pins");
    return [];
  }
  const history = await readLockfileHistory(options.lockfilePath, { signal: options.signal });
  if (history.unavailable !== undefined) {
    notes.push(`lockfile history: ${history.unavailable}, so no earlier pins`);
    return [];
  }
  const pins = previousPins(history, location.reference, options.currentDigest, {
    layer: location.descriptor.digest,
    max: options.maxPreviousPins ?? 3,
  });
  notes.push(
    `lockfile history: ${history.versions.length} committed version${history.versions.length === 1 ? "" : "s"} read${history.skipped > 0 ? ` (${history.skipped} unreadable)` : ""}, ${pins.length} earlier digest${pins.length === 1 ? "" : "s"} of ${location.reference}`,
  );
  const checked: Alternative[] = [];
  for (const pin of pins)
    checked.push(
      await checkPreviousPin(pin, location, {
        openOrigin: options.openOrigin,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
  return checked;
}

// Re-fetched and verified while gathering evidence: a copy that verified there is proven already.
function verifiedCopies(evidence: SourceEvidence[]): Alternative[] {
  return evidence
    .filter(
      (e): e is SourceEvidence & { kind: "mirror" | "cache" } =>
        (e.kind === "mirror" || e.kind === "cache") && e.outcome === "ok",
    )
    .map((e) => ({
      kind: e.kind,
      reference: e.source,
      helps: true,
      carriesFailingContent: true,
      detail: `verified: the ${e.kind} serves the failing content intact`,
    }));
}

async function otherTags(
  location: DigestLocation,
  options: AlternativesOptions,
  notes: string[],
): Promise<Alternative[]> {
  try {
    const found = await findTagsWithContent(location, {
      openOrigin: options.openOrigin,
      ...(options.currentDigest ? { currentDigest: options.currentDigest } : {}),
      ...(options.maxTags ? { maxTags: options.maxTags } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    notes.push(found.note);
    return found.alternatives;
  } catch (error) {
    if (error instanceof DigestguardError && error.code === "ABORTED") throw error;
    notes.push(
      `other tags: could not be listed (${error instanceof DigestguardError ? `${error.code}: ` : ""}${error instanceof Error ? error.message : String(error)})`,
    );
    return [];
  }
}
