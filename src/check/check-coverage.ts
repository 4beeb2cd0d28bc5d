import { mapConcurrent } from "../async/map-concurrent.js";
import { DigestguardError } from "../errors/error.js";
import { isAborted, isIntegrityError, isNotFound } from "../errors/predicates.js";
import { verifyImage } from "../image/verify-image.js";
import type { LockedImage, Lockfile } from "../lockfile/lockfile-schema.js";
import { parseDigest } from "../oci/digest.js";
import { mirrorReference } from "../oci/mirror-reference.js";
import { parseReference } from "../oci/reference.js";
import type { OpenedLocation } from "../store/open-location.js";
import type { Finding } from "./finding.js";

/** Options for {@link checkMirrorCoverage}. */
export interface CoverageOptions {
  lockfilePath: string;
  /** The mirror locations (`HOST[:PORT]/PREFIX`) that should hold a registry's images. */
  mirrorsFor: (registry: string) => readonly string[];
  open: (reference: string) => Promise<OpenedLocation>;
  concurrency?: number;
  signal?: AbortSignal;
}

/**
 * Whether the mirrors cover the lockfile: every pinned digest is present in
 * each mirror for its registry (at `PREFIX/REPO`) and verifies there, every
 * blob streamed and checked. A finding `not-in-mirror` or `mirror-corrupt`
 * (both errors) per image and mirror that fails.
 *
 * @example
 * ```ts
 * const findings = await checkMirrorCoverage(lock, { lockfilePath, open, mirrorsFor: () => ["127.0.0.1:5001/backup"] });
 * ```
 */
export async function checkMirrorCoverage(lock: Lockfile, options: CoverageOptions): Promise<Finding[]> {
  const pairs = lock.images.flatMap((entry): { entry: LockedImage; mirror?: string }[] => {
    const mirrors = options.mirrorsFor(parseReference(entry.reference, { defaultTag: false }).registry);
    return mirrors.length === 0 ? [{ entry }] : mirrors.map((mirror) => ({ entry, mirror }));
  });
  const settled = await mapConcurrent(pairs, options.concurrency ?? 4, ({ entry, mirror }) =>
    mirror === undefined ? Promise.resolve(noMirror(entry, options.lockfilePath)) : checkCopy(entry, mirror, options),
  );
  return settled.flatMap((outcome, i) => {
    if (outcome.status === "fulfilled") return outcome.value === undefined ? [] : [outcome.value];
    const { entry, mirror } = pairs[i] as { entry: LockedImage; mirror: string };
    if (isAborted(outcome.reason)) throw outcome.reason;
    if (isIntegrityError(outcome.reason)) return [corrupt(entry, mirror, outcome.reason.message, options)];
    return [unchecked(entry, mirror, outcome.reason, options.lockfilePath)];
  });
}

async function checkCopy(entry: LockedImage, mirror: string, options: CoverageOptions): Promise<Finding | undefined> {
  const copy = mirrorReference(mirror, entry.reference, entry.digest);
  const { store } = await options.open(copy);
  const digest = parseDigest(entry.digest);
  try {
    await store.resolve({ digest }, { signal: options.signal });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return {
      ...at(entry, options.lockfilePath),
      rule: "not-in-mirror",
      severity: "error",
      message: `${entry.reference}@${entry.digest} is not in the mirror ${mirror} (looked for ${copy}); run dg mirror or dg sync.`,
    };
  }
  const report = await verifyImage(store, { digest }, { display: copy, mode: "deep", signal: options.signal });
  if (report.ok) return undefined;
  const failed = [...report.manifests, ...report.blobs]
    .filter((c) => c.status === "failed")
    .map((c) => `${c.digest ?? entry.digest} (${c.failure?.meaning})`);
  return corrupt(entry, mirror, `${failed.slice(0, 3).join("; ")}${failed.length > 3 ? " …" : ""}`, options);
}

function corrupt(entry: LockedImage, mirror: string, reason: string, options: CoverageOptions): Finding {
  return {
    ...at(entry, options.lockfilePath),
    rule: "mirror-corrupt",
    severity: "error",
    message: `${entry.reference}@${entry.digest} does not verify in the mirror ${mirror}: ${reason}; copy it again with dg mirror.`,
  };
}

function noMirror(entry: LockedImage, lockfilePath: string): Finding {
  return {
    ...at(entry, lockfilePath),
    rule: "not-in-mirror",
    severity: "error",
    message: `${entry.reference}@${entry.digest}: no mirror is configured for its registry; configure one or pass --mirror HOST/PREFIX.`,
  };
}

function unchecked(entry: LockedImage, mirror: string, error: unknown, lockfilePath: string): Finding {
  const reason = error instanceof DigestguardError ? `${error.code}: ${error.message}` : String(error);
  return {
    ...at(entry, lockfilePath),
    rule: "could-not-check",
    severity: "error",
    ...(error instanceof DigestguardError ? { exitCode: error.exitCode } : {}),
    message: `Could not check ${entry.reference} in the mirror ${mirror}: ${reason}`,
  };
}

function at(entry: LockedImage, lockfilePath: string): Pick<Finding, "file" | "line" | "reference"> {
  return {
    file: entry.sources[0]?.file ?? lockfilePath,
    ...(entry.sources[0] ? { line: entry.sources[0].line } : {}),
    reference: entry.reference,
  };
}
