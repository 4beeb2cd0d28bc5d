import { mapConcurrent } from "../async/map-concurrent.js";
import { DigestguardError, ExitCode } from "../errors/error.js";
import { isAborted, isIntegrityError, isNotFound } from "../errors/predicates.js";
import type { LockedImage, Lockfile } from "../lockfile/lockfile-schema.js";
import { formatPlatform, parsePlatform } from "../oci/platform.js";
import { selectPlatform } from "../oci/select-platform.js";
import type { Answered, ContentStore } from "../store/content-store.js";
import type { OpenedLocation } from "../store/open-location.js";
import { verifyImage, type VerifyProgress } from "../image/verify-image.js";
import type { Finding } from "./finding.js";

/** Options for {@link checkLockedImages}. */
export interface CheckLockOptions {
  lockfilePath: string;
  open: (reference: string) => Promise<OpenedLocation>;
  /** Also stream and verify every blob, and each layer's diff_id, as `verify --deep` does. */
  deep?: boolean;
  /** With deep: told of every image's blobs as they stream (one display for all images). */
  progress?: VerifyProgress;
  concurrency?: number;
  signal?: AbortSignal;
}

/** How one locked image fared. */
export interface ImageStatus {
  reference: string;
  digest: string;
  status: "ok" | "drift" | "missing" | "content-mismatch" | "could-not-check";
  /** When the tag moved: what it points to now. */
  currentDigest?: string;
  /** The host that answered for the tag (a registry or its mirror); absent for local stores. */
  source?: string;
  /** True when `source` is a mirror. */
  mirror?: boolean;
  /** When a mirror answered: the registry itself, asked too, and what its tag points to (null: no such tag). */
  origin?: { source: string; digest: string | null };
}

/**
 * Check every image in the lockfile against its registry: the pinned digest
 * still exists, the tag has or has not drifted (and which platforms changed),
 * and with `deep` every blob still verifies. One HEAD of the tag answers both
 * existence and drift when nothing moved; more requests are made only for
 * images that did move.
 *
 * @example
 * ```ts
 * const { findings } = await checkLockedImages(lock, { lockfilePath, open });
 * ```
 */
export async function checkLockedImages(
  lock: Lockfile,
  options: CheckLockOptions,
): Promise<{ findings: Finding[]; images: ImageStatus[] }> {
  const findings: Finding[] = [];
  const settled = await mapConcurrent(lock.images, options.concurrency ?? 8, (entry) =>
    checkOne(entry, options, findings),
  );
  const images = settled.map((outcome, i): ImageStatus => {
    const entry = lock.images[i] as LockedImage;
    if (outcome.status === "fulfilled") return outcome.value;
    const error = outcome.reason;
    if (isAborted(error)) throw error;
    if (isIntegrityError(error)) {
      findings.push(integrityFinding(entry, error, options.lockfilePath));
      return { reference: entry.reference, digest: entry.digest, status: "content-mismatch" };
    }
    findings.push(couldNotCheck(entry, error, options.lockfilePath));
    return { reference: entry.reference, digest: entry.digest, status: "could-not-check" };
  });
  return { findings, images };
}

async function checkOne(entry: LockedImage, options: CheckLockOptions, findings: Finding[]): Promise<ImageStatus> {
  const opened = await options.open(entry.reference);
  const at = {
    file: entry.sources[0]?.file ?? options.lockfilePath,
    ...(entry.sources[0] ? { line: entry.sources[0].line } : {}),
    reference: entry.reference,
  };
  const status: ImageStatus = { reference: entry.reference, digest: entry.digest, status: "ok" };
  const answer = entry.tag !== undefined ? await currentDigest(opened.store, entry, options.signal) : undefined;
  if (answer?.source !== undefined) Object.assign(status, { source: answer.source, mirror: answer.mirror === true });
  const truth =
    answer?.mirror === true ? await askOrigin(opened.store, entry, answer, at, findings, options.signal) : undefined;
  if (truth !== undefined) status.origin = { source: truth.source ?? "", digest: truth.digest };
  // Once the registry itself has answered, its word (not a stale mirror's) decides drift and existence.
  const store = truth !== undefined ? truth.store : opened.store;
  const current = (truth ?? answer)?.digest;
  if (typeof current === "string" && current !== entry.digest) {
    status.status = "drift";
    status.currentDigest = current;
    const changed = await changedPlatforms(store, entry, current, options.signal);
    findings.push({
      rule: "drift",
      severity: "warning",
      ...at,
      message: `${entry.reference} now points to ${current}; pinned ${entry.digest} (resolved ${entry.resolvedAt})${changed}. Review and run "digestguard pin --update --image '${entry.reference}'" to move the pin.`,
    });
  }
  if (current !== entry.digest && !(await pinnedExists(store, entry, options.signal))) {
    findings.push({
      rule: "missing",
      severity: "error",
      ...at,
      message: `${entry.reference}@${entry.digest} no longer exists in the registry; builds from this pin will fail. Restore it from a mirror or re-pin.`,
    });
    return { ...status, status: "missing" };
  }
  if (current === null) {
    status.status = "drift";
    findings.push({
      rule: "drift",
      severity: "warning",
      ...at,
      message: `${entry.reference}: the tag no longer exists in the registry; the pinned ${entry.digest} still does (resolved ${entry.resolvedAt}). Builds from the pin work; re-pin when a new tag is chosen.`,
    });
  }
  if (options.deep) {
    const report = await verifyImage(
      store,
      { digest: entry.digest as never },
      {
        display: `${entry.reference}@${entry.digest}`,
        mode: "deep",
        signal: options.signal,
        progress: options.progress,
      },
    );
    if (!report.ok) {
      const failed = [...report.manifests, ...report.blobs]
        .filter((c) => c.status === "failed")
        .map((c) => `${c.digest ?? entry.digest} (${c.failure?.meaning})`);
      findings.push({
        rule: "content-mismatch",
        severity: "error",
        ...at,
        message: `${entry.reference}@${entry.digest} does not verify: ${failed.slice(0, 3).join("; ")}${failed.length > 3 ? ` and ${failed.length - 3} more` : ""}.`,
      });
      return { ...status, status: "content-mismatch" };
    }
  }
  return status;
}

/** What a store said the tag points to, and who said it. */
interface TagAnswer extends Answered {
  digest: string | null;
}

// What the tag points to now, comparable with the pinned digest (for a platform
// pin: that platform's manifest); null when the tag is gone — as it is when the
// pinned manifest itself was deleted, which the registry does by untagging it.
async function currentDigest(store: ContentStore, entry: LockedImage, signal?: AbortSignal): Promise<TagAnswer> {
  const head = await store.resolve({ tag: entry.tag }, { signal }).catch((error: unknown) => {
    if (isNotFound(error)) return null;
    throw error;
  });
  if (head === null) return { digest: null };
  if (head.digest === entry.digest) return { digest: head.digest, ...answeredBy(head) };
  // The tag seems to have moved. A HEAD's digest is only the registry's word:
  // read the tag by GET so the digest comes from the bytes, and a registry
  // whose header contradicts its bytes is caught (DIGEST_MISMATCH).
  const now = await store.fetchManifest({ tag: entry.tag }, { signal });
  if (entry.platform === undefined || now.manifest.kind !== "index") return { digest: now.digest, ...answeredBy(now) };
  return {
    digest: selectPlatform(now.manifest, parsePlatform(entry.platform), entry.reference).digest,
    ...answeredBy(now),
  };
}

function answeredBy(answer: Answered): Answered {
  return answer.source === undefined ? {} : { source: answer.source, mirror: answer.mirror === true };
}

// A mirror answered: ask the registry itself, when it can be reached, and say
// so when the two disagree — a stale mirror must not hide a tag that moved.
async function askOrigin(
  store: ContentStore,
  entry: LockedImage,
  mirror: TagAnswer,
  at: Pick<Finding, "file" | "line" | "reference">,
  findings: Finding[],
  signal?: AbortSignal,
): Promise<(TagAnswer & { store: ContentStore }) | undefined> {
  const origin = store.origin?.();
  if (origin === undefined) return undefined;
  const truth = await currentDigest(origin, entry, signal).catch((error: unknown) => {
    if (error instanceof DigestguardError && error.code === "ABORTED") throw error;
    return undefined;
  });
  if (truth === undefined) return undefined;
  if (truth.digest !== mirror.digest) {
    const said = (answer: TagAnswer): string => answer.digest ?? "no such tag";
    findings.push({
      rule: "mirror-stale",
      severity: "warning",
      ...at,
      message: `${entry.reference}: mirror stale: origin ${truth.source ?? "registry"} has ${said(truth)}, mirror ${mirror.source} has ${said(mirror)}. Builds through the mirror get the old content until it refreshes.`,
    });
  }
  return { ...truth, store: origin };
}

async function pinnedExists(store: ContentStore, entry: LockedImage, signal?: AbortSignal): Promise<boolean> {
  try {
    await store.resolve({ digest: entry.digest as never }, { signal });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function changedPlatforms(
  store: ContentStore,
  entry: LockedImage,
  current: string,
  signal?: AbortSignal,
): Promise<string> {
  try {
    const now = await store.fetchManifest({ digest: current as never }, { signal });
    if (now.manifest.kind !== "index") return "";
    const pinned = new Map(entry.platforms.map((p) => [p.platform, p.manifest]));
    const changed = now.manifest.manifests
      .filter(
        (m) =>
          m.platform !== undefined &&
          pinned.has(formatPlatform(m.platform)) &&
          pinned.get(formatPlatform(m.platform)) !== m.digest,
      )
      .map((m) => formatPlatform(m.platform as never));
    const added = now.manifest.manifests
      .filter((m) => m.platform !== undefined && m.platform.os !== "unknown" && !pinned.has(formatPlatform(m.platform)))
      .map((m) => formatPlatform(m.platform as never));
    const parts = [
      changed.length ? `changed: ${changed.join(", ")}` : "no pinned platform changed",
      ...(added.length ? [`added: ${added.join(", ")}`] : []),
    ];
    return ` — ${parts.join("; ")}`;
  } catch {
    return "";
  }
}

// The registry served content that contradicts its own digest: not an
// incomplete check but evidence, reported with the integrity exit code.
function integrityFinding(entry: LockedImage, error: DigestguardError, lockfilePath: string): Finding {
  return {
    rule: "content-mismatch",
    severity: "error",
    exitCode: error.exitCode,
    file: entry.sources[0]?.file ?? lockfilePath,
    ...(entry.sources[0] ? { line: entry.sources[0].line } : {}),
    reference: entry.reference,
    message: `${entry.reference}: ${error.code}: ${error.message}`,
  };
}

function couldNotCheck(entry: LockedImage, error: unknown, lockfilePath: string): Finding {
  const message = error instanceof DigestguardError ? `${error.code}: ${error.message}` : String(error);
  const exitCode = error instanceof DigestguardError ? error.exitCode : ExitCode.unavailable;
  return {
    rule: "could-not-check",
    severity: "error",
    exitCode,
    file: entry.sources[0]?.file ?? lockfilePath,
    ...(entry.sources[0] ? { line: entry.sources[0].line } : {}),
    reference: entry.reference,
    message: `Could not check ${entry.reference}: ${message}`,
  };
}
