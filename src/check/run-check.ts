import { dirname, relative, resolve } from "node:path";
import { DigestguardError, ExitCode } from "../errors/error.js";
import { readLockfile } from "../lockfile/lockfile.js";
import { scanKindsFor } from "../lockfile/scan-kinds.js";
import { sourceFileOnDisk } from "../lockfile/source-path.js";
import type { OpenedLocation } from "../store/open-location.js";
import { checkMirrorCoverage, type CoverageOptions } from "./check-coverage.js";
import { checkFilesAgainstLock } from "./check-files-against-lock.js";
import { checkLockedImages, type CheckLockOptions, type ImageStatus } from "./check-lock.js";
import type { Finding } from "./finding.js";
import { scanReferences } from "../scan/scan-references.js";

/** What `check` reports, `--format json` schema version 1. */
export interface CheckReport {
  schemaVersion: 1;
  lockfile: string;
  deep: boolean;
  findings: Finding[];
  images: ImageStatus[];
  summary: {
    images: number;
    ok: number;
    drift: number;
    missing: number;
    contentMismatch: number;
    couldNotCheck: number;
    fileFindings: number;
    errors: number;
    warnings: number;
  };
}

/** Options for {@link runCheck}. */
export interface RunCheckOptions {
  lockfilePath: string;
  /** Files or folders to compare with the lockfile (default: the files the lockfile names). */
  paths?: string[];
  open: (reference: string) => Promise<OpenedLocation>;
  deep?: boolean;
  /** Gitignore-style patterns, relative to the working folder, of paths not to compare (`--exclude`). */
  exclude?: string[];
  /** Also check that each pinned digest is present and verifies in these mirrors (`--coverage`). */
  coverage?: CoverageOptions["mirrorsFor"];
  /** With deep: progress of the blobs being verified. */
  progress?: CheckLockOptions["progress"];
  concurrency?: number;
  signal?: AbortSignal;
}

/**
 * The CI check: the files' references still agree with the lockfile, every
 * pinned digest still exists, how far each tag has drifted, with `deep`
 * that every blob still verifies, and with `coverage` that the mirrors hold
 * a verified copy of every pinned digest.
 *
 * @example
 * ```ts
 * const report = await runCheck({ lockfilePath: "digestguard.lock", open });
 * process.exitCode = checkExitCode(report);
 * ```
 */
export async function runCheck(options: RunCheckOptions): Promise<CheckReport> {
  const lock = await readLockfile(options.lockfilePath);
  if (lock === undefined) {
    throw new DigestguardError(
      "USAGE",
      `Cannot check: ${options.lockfilePath} does not exist; run "digestguard pin" first to create it.`,
    );
  }
  const lockDir = dirname(resolve(options.lockfilePath));
  const onDisk = lock.images
    .flatMap((image) => image.sources.map((s) => sourceFileOnDisk(lockDir, s.file)))
    .filter((path) => path !== undefined);
  const named = [...new Set(onDisk)].map((path) => relative(".", path));
  const paths = options.paths && options.paths.length > 0 ? options.paths : named;
  const fileFindings =
    paths.length > 0
      ? checkFilesAgainstLock(
          await scanReferences(paths, { ...scanKindsFor(lock), exclude: options.exclude, signal: options.signal }),
          lock,
          options.lockfilePath,
        )
      : [];
  const { findings, images } = await checkLockedImages(lock, options);
  const coverage =
    options.coverage === undefined ? [] : await checkMirrorCoverage(lock, { ...options, mirrorsFor: options.coverage });
  const all = [...fileFindings, ...findings, ...coverage];
  const count = (status: ImageStatus["status"]) => images.filter((i) => i.status === status).length;
  return {
    schemaVersion: 1,
    lockfile: options.lockfilePath,
    deep: options.deep === true,
    findings: all,
    images,
    summary: {
      images: images.length,
      ok: count("ok"),
      drift: count("drift"),
      missing: count("missing"),
      contentMismatch: count("content-mismatch"),
      couldNotCheck: count("could-not-check"),
      fileFindings: fileFindings.length,
      errors: all.filter((f) => f.severity === "error").length,
      warnings: all.filter((f) => f.severity === "warning").length,
    },
  };
}

/**
 * Exit codes that CI can tell apart: 0 clean; 1 findings (errors, or
 * warnings such as drift with `strict`); 6 when a registry served content
 * that contradicts its own digest; when some image could not be
 * checked at all, that error's own code (4 auth, 5 network) — the result is
 * incomplete, which is not the same as a finding.
 */
export function checkExitCode(report: CheckReport, options: { strict?: boolean } = {}): number {
  if (report.findings.some((f) => f.exitCode === ExitCode.integrity)) return ExitCode.integrity;
  const unchecked = report.findings.find((f) => f.rule === "could-not-check");
  if (unchecked !== undefined) return unchecked.exitCode ?? ExitCode.unavailable;
  if (report.summary.errors > 0 || (options.strict && report.summary.warnings > 0)) return ExitCode.findings;
  return ExitCode.ok;
}
