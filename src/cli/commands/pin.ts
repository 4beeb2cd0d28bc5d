import { DigestguardError, ExitCode } from "../../errors/error.js";
import { readLockfile } from "../../lockfile/lockfile.js";
import { locateLockfile } from "../../lockfile/locate-lockfile.js";
import { scanKindsFor } from "../../lockfile/scan-kinds.js";
import { parsePlatform } from "../../oci/platform.js";
import { checkFilesAgainstLock } from "../../check/check-files-against-lock.js";
import { pinFiles } from "../../pin/pin-files.js";
import { hasPendingJournal } from "../../pin/pin-transaction.js";
import { renderCheck, type CheckFormat } from "../../check/render-check.js";
import { renderPin } from "../../pin/render-pin.js";
import type { CheckReport } from "../../check/run-check.js";
import { scanReferences } from "../../scan/scan-references.js";
import type { GlobalOptions } from "../global-options.js";
import { lazyRegistryClient } from "../registry-client-from-options.js";
import type { ActionContext } from "../run-action.js";
import { VERSION } from "../version.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard pin`. */
export interface PinFlags extends GlobalOptions {
  lockfile?: string;
  platform?: string;
  update?: boolean;
  image?: string;
  check?: boolean;
  kubernetes?: boolean;
  workflows?: boolean;
  exclude?: string[];
  dryRun?: boolean;
  format?: CheckFormat;
}

/** `digestguard pin [PATH...]`: pin references by digest and write the lockfile; `--check` verifies pins offline. */
export async function pinCommand(paths: string[], flags: PinFlags, { signal }: ActionContext): Promise<number> {
  const roots = paths.length > 0 ? paths : ["."];
  const lockfilePath = flags.lockfile ?? (await locateLockfile());
  if (flags.check) return pinCheck(roots, lockfilePath, flags, signal);
  if (flags.image !== undefined && !flags.update) throw new DigestguardError("USAGE", "Cannot use --image without --update: it selects which pins to update.");
  const registry = lazyRegistryClient(flags);
  try {
    const report = await pinFiles({
      paths: roots, lockfilePath, signal, update: flags.update, imagePattern: flags.image, kubernetes: flags.kubernetes, workflows: flags.workflows, exclude: flags.exclude, dryRun: flags.dryRun,
      ...(flags.platform !== undefined ? { platform: parsePlatform(flags.platform) } : {}),
      open: (reference) => registry.open(reference),
    });
    await writeOut(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderPin(report));
    if (report.interrupted !== undefined) {
      process.stderr.write(`digestguard: interrupted after the commit point; all written: ${report.filesChanged.length} file(s) and ${lockfilePath}.\n`);
      return ExitCode.interrupted;
    }
    // A registry whose content contradicts its digest is evidence, not a skipped reference.
    if (report.problems.some((p) => p.error?.exitCode === ExitCode.integrity)) return ExitCode.integrity;
    const skipped = report.problems.find((p) => p.kind !== "unpinnable");
    return skipped !== undefined ? ExitCode.findings : ExitCode.ok;
  } finally {
    await registry.close();
  }
}

async function pinCheck(roots: string[], lockfilePath: string, flags: PinFlags, signal: AbortSignal): Promise<number> {
  const lock = await readLockfile(lockfilePath);
  const findings = checkFilesAgainstLock(await scanReferences(roots, { ...scanKindsFor(lock, flags), exclude: flags.exclude, signal }), lock, lockfilePath);
  if (await hasPendingJournal(lockfilePath)) {
    findings.unshift({ rule: "pin-interrupted", severity: "error", file: lockfilePath, message: `a pin was killed after its commit point and has not finished (${lockfilePath}.journal); run "digestguard pin" to complete it.` });
  }
  const errors = findings.filter((f) => f.severity === "error").length;
  const report: CheckReport = {
    schemaVersion: 1, lockfile: lockfilePath, deep: false, findings, images: [],
    summary: { images: 0, ok: 0, drift: 0, missing: 0, contentMismatch: 0, couldNotCheck: 0, fileFindings: findings.length, errors, warnings: findings.length - errors },
  };
  await writeOut(renderCheck(report, flags.format ?? (flags.json ? "json" : "text"), { version: VERSION }));
  return errors > 0 ? ExitCode.findings : ExitCode.ok;
}
