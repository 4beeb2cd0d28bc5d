import { ContentCache } from "../../store/cache/content-cache.js";
import { DigestguardError } from "../../errors/error.js";
import { parsePlatform } from "../../oci/platform.js";
import { renderVerify, verifyExitCode } from "../../verify/render-verify.js";
import { verifyReference } from "../../verify/verify-reference.js";
import type { VerifyReport } from "../../image/verify-report.js";
import type { GlobalOptions } from "../global-options.js";
import { painter, useColor } from "../color.js";
import { terminalProgress } from "../progress-bar.js";
import { positiveNumber, lazyRegistryClient } from "../registry-client-from-options.js";
import type { ActionContext } from "../run-action.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard verify`. */
export interface VerifyFlags extends GlobalOptions {
  platform?: string;
  deep?: boolean;
  manifestsOnly?: boolean;
  cache?: boolean;
  offline?: boolean;
  cacheDir?: string;
  quiet?: boolean;
}

/** `digestguard verify REF...`: prove every byte; exit 0 only when everything verified. */
export async function verifyCommand(refs: string[], flags: VerifyFlags, { signal }: ActionContext): Promise<number> {
  if (flags.deep && flags.manifestsOnly)
    throw new DigestguardError(
      "USAGE",
      "Cannot use --deep with --manifests-only: one reads every layer, the other none.",
    );
  const platform = flags.platform === undefined ? undefined : parsePlatform(flags.platform);
  const concurrency =
    flags.concurrency === undefined ? undefined : Math.floor(positiveNumber(flags.concurrency, "--concurrency"));
  const mode = flags.deep ? "deep" : flags.manifestsOnly ? "manifests-only" : "full";
  const cache = flags.cache || flags.offline ? await ContentCache.open(flags.cacheDir) : undefined;
  const registry = lazyRegistryClient(flags);
  const reports: VerifyReport[] = [];
  const paint = painter(useColor(flags.color, process.stdout));
  try {
    for (const ref of refs) {
      const progress = flags.json ? undefined : await terminalProgress(ref);
      try {
        reports.push(
          await verifyReference(ref, {
            open: (reference) => registry.open(reference),
            platform,
            mode,
            concurrency,
            signal,
            progress,
            ...(cache !== undefined ? { cache, offline: flags.offline === true } : {}),
          }),
        );
      } finally {
        progress?.stop();
      }
      if (!flags.json) await writeOut(renderVerify(reports.at(-1) as VerifyReport, { quiet: flags.quiet, paint }));
    }
  } finally {
    await registry.close();
  }
  if (flags.json)
    await writeOut(`${JSON.stringify({ schemaVersion: 1, ok: reports.every((r) => r.ok), reports }, null, 2)}\n`);
  return verifyExitCode(reports);
}
