import type { Lockfile } from "../lockfile/lockfile-schema.js";
import type { Finding } from "./finding.js";
import type { ScannedFile } from "../scan/scan-references.js";

/**
 * Compare the references in the files with the lockfile, offline: every
 * pinnable reference must carry a digest, and that digest must be the one
 * the lockfile holds for it. References that cannot be pinned are reported
 * as warnings with the reason.
 *
 * @example
 * ```ts
 * const findings = checkFilesAgainstLock(await scanReferences(["."]), lock, "digestguard.lock");
 * ```
 */
export function checkFilesAgainstLock(
  files: ScannedFile[],
  lock: Lockfile | undefined,
  lockfilePath: string,
): Finding[] {
  const findings: Finding[] = [];
  const byReference = new Map((lock?.images ?? []).map((entry) => [entry.reference, entry]));
  for (const file of files) {
    for (const problem of file.problems) {
      findings.push({
        rule: "cannot-pin",
        severity: "warning",
        file: file.path,
        line: problem.found.line,
        reference: problem.found.written,
        message: `${problem.found.written} cannot be pinned: ${problem.reason}.`,
      });
    }
    for (const ref of file.pinnable) {
      const at = { file: file.path, line: ref.found.line, reference: ref.key };
      const entry = byReference.get(ref.key);
      if (ref.reference.digest === undefined) {
        findings.push({
          rule: "unpinned",
          severity: "error",
          ...at,
          message: `${ref.found.written} is not pinned by digest; run "digestguard pin" to pin it${entry ? ` to ${entry.digest}` : ""}.`,
        });
      } else if (entry === undefined) {
        findings.push({
          rule: "not-locked",
          severity: "error",
          ...at,
          message: `${ref.found.written} is pinned but ${lockfilePath} has no entry for ${ref.key}; run "digestguard pin" to record its digest tree.`,
        });
      } else if (entry.digest !== ref.reference.digest) {
        findings.push({
          rule: "differs-from-lock",
          severity: "error",
          ...at,
          message: `${ref.found.written} is pinned to ${ref.reference.digest}, but ${lockfilePath} has ${entry.digest} for ${ref.key}.`,
        });
      }
    }
  }
  return findings;
}
