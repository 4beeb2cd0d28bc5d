import { ExitCode } from "../errors/error.js";
import { readLockfile } from "../lockfile/lockfile.js";
import { scanKindsFor } from "../lockfile/scan-kinds.js";
import { scanReferences } from "../scan/scan-references.js";
import { checkFilesAgainstLock } from "./check-files-against-lock.js";
import type { CheckReport } from "./run-check.js";

/** What `checkPinsOffline` scans, and what it is told about an unfinished pin. */
export interface OfflinePinCheckOptions {
  roots: string[];
  lockfilePath: string;
  kubernetes?: boolean;
  workflows?: boolean;
  /** Paths left out (gitignore syntax), on top of .gitignore and .digestguardignore. */
  exclude?: string[];
  /** Whether a pin killed after its commit point left its journal (the pin feature knows how to tell). */
  pendingJournal: boolean;
  signal?: AbortSignal;
}

/**
 * `digestguard pin --check`: compare the references under `roots` with the
 * lockfile without any network, as a check report (exit 1 on any error).
 *
 * @example
 * ```ts
 * const report = await checkPinsOffline({ roots: ["."], lockfilePath: "digestguard.lock", pendingJournal: false });
 * process.exitCode = report.summary.errors > 0 ? 1 : 0;
 * ```
 */
export async function checkPinsOffline(options: OfflinePinCheckOptions): Promise<CheckReport> {
  const { roots, lockfilePath, signal } = options;
  const lock = await readLockfile(lockfilePath);
  // The kinds the lockfile remembers are scanned too, so pin --check sees what pin and check see.
  const kinds = scanKindsFor(lock, { kubernetes: options.kubernetes, workflows: options.workflows });
  const findings = checkFilesAgainstLock(
    await scanReferences(roots, { ...kinds, exclude: options.exclude, signal }),
    lock,
    lockfilePath,
  );
  if (options.pendingJournal) {
    findings.unshift({
      rule: "pin-interrupted",
      severity: "error",
      file: lockfilePath,
      message: `a pin was killed after its commit point and has not finished (${lockfilePath}.journal); run "digestguard pin" to complete it.`,
    });
  }
  const errors = findings.filter((f) => f.severity === "error").length;
  return {
    schemaVersion: 1,
    lockfile: lockfilePath,
    deep: false,
    findings,
    images: [],
    summary: {
      images: 0,
      ok: 0,
      drift: 0,
      missing: 0,
      contentMismatch: 0,
      couldNotCheck: 0,
      fileFindings: findings.length,
      errors,
      warnings: findings.length - errors,
    },
  };
}

/**
 * The exit code of an offline pin check: 1 when any finding is an error.
 *
 * @example
 * ```ts
 * offlineCheckExitCode(report); // 0
 * ```
 */
export function offlineCheckExitCode(report: CheckReport): number {
  return report.summary.errors > 0 ? ExitCode.findings : ExitCode.ok;
}
