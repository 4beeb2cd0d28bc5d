import { DigestguardError } from "../../errors/error.js";
import { locateLockfile } from "../../lockfile/locate-lockfile.js";
import { parsePlatform } from "../../oci/platform.js";
import { checkPinsOffline, offlineCheckExitCode } from "../../check/check-pins-offline.js";
import { renderCheck, type CheckFormat } from "../../check/render-check.js";
import { pinExitCode } from "../../pin/pin-exit-code.js";
import { pinFiles } from "../../pin/pin-files.js";
import { hasPendingJournal } from "../../pin/pin-transaction.js";
import { renderPin } from "../../pin/render-pin.js";
import { painter, useColor } from "../color.js";
import { splitMirrorFlags } from "../mirror-flags.js";
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
  quiet?: boolean;
}

/** `digestguard pin [PATH...]`: pin references by digest and write the lockfile; `--check` verifies pins offline. */
export async function pinCommand(paths: string[], flags: PinFlags, { signal }: ActionContext): Promise<number> {
  const roots = paths.length > 0 ? paths : ["."];
  const lockfilePath = flags.lockfile ?? (await locateLockfile());
  if (flags.check) return pinCheck(roots, lockfilePath, flags, signal);
  if (flags.format !== undefined)
    throw new DigestguardError(
      "USAGE",
      "Cannot use --format without --check: it sets the output of the check; use --json for pin's own report.",
    );
  if (flags.image !== undefined && !flags.update)
    throw new DigestguardError("USAGE", "Cannot use --image without --update: it selects which pins to update.");
  const { copiesAt, readThrough } = splitMirrorFlags(flags.mirror);
  const registry = lazyRegistryClient({ ...flags, mirror: readThrough });
  try {
    const report = await pinFiles({
      paths: roots,
      lockfilePath,
      signal,
      update: flags.update,
      imagePattern: flags.image,
      kubernetes: flags.kubernetes,
      workflows: flags.workflows,
      exclude: flags.exclude,
      dryRun: flags.dryRun,
      ...(copiesAt !== undefined ? { mirror: copiesAt } : {}),
      ...(flags.platform !== undefined ? { platform: parsePlatform(flags.platform) } : {}),
      open: (reference) => registry.open(reference),
    });
    await writeOut(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderPin(report, { quiet: flags.quiet }));
    if (report.interrupted !== undefined) {
      process.stderr.write(
        `digestguard: interrupted after the commit point; all written: ${report.filesChanged.length} file(s) and ${lockfilePath}.\n`,
      );
    }
    return pinExitCode(report);
  } finally {
    await registry.close();
  }
}

async function pinCheck(roots: string[], lockfilePath: string, flags: PinFlags, signal: AbortSignal): Promise<number> {
  const pendingJournal = await hasPendingJournal(lockfilePath);
  const report = await checkPinsOffline({
    roots,
    lockfilePath,
    kubernetes: flags.kubernetes,
    workflows: flags.workflows,
    exclude: flags.exclude,
    pendingJournal,
    signal,
  });
  const paint = painter(useColor(flags.color, process.stdout));
  await writeOut(
    renderCheck(report, flags.format ?? (flags.json ? "json" : "text"), {
      version: VERSION,
      quiet: flags.quiet,
      paint,
    }),
  );
  return offlineCheckExitCode(report);
}
