import { ContentCache } from "../../cache/content-cache.js";
import { CacheStore } from "../../cache/cache-store.js";
import { DigestguardError } from "../../errors/error.js";
import { parsePlatform } from "../../oci/platform.js";
import { locationDisplay, parseLocation, type OpenedLocation } from "../../store/open-location.js";
import { renderVerify, verifyExitCode } from "../../verify/render-verify.js";
import { verifyImage } from "../../verify/verify-image.js";
import type { VerifyReport } from "../../verify/verify-report.js";
import type { GlobalOptions } from "../global-options.js";
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
  if (flags.deep && flags.manifestsOnly) throw new DigestguardError("USAGE", "Cannot use --deep with --manifests-only: one reads every layer, the other none.");
  const platform = flags.platform === undefined ? undefined : parsePlatform(flags.platform);
  const concurrency = flags.concurrency === undefined ? undefined : Math.floor(positiveNumber(flags.concurrency, "--concurrency"));
  const mode = flags.deep ? "deep" : flags.manifestsOnly ? "manifests-only" : "full";
  const cache = flags.cache || flags.offline ? await ContentCache.open(flags.cacheDir) : undefined;
  const registry = lazyRegistryClient(flags);
  const reports: VerifyReport[] = [];
  try {
    for (const ref of refs) {
      const opened = flags.offline ? offlineLocation(ref, cache as ContentCache) : await registry.open(ref);
      const progress = flags.json ? undefined : await terminalProgress(opened.display);
      try {
        reports.push(await verifyImage(opened.store, opened.target, {
          display: opened.display, platform, mode, concurrency, signal, progress,
          ...(flags.cache && !flags.offline ? { cache, cacheRef: cacheKey(opened) } : {}),
        }));
      } finally {
        progress?.stop();
      }
      if (!flags.json) await writeOut(renderVerify(reports.at(-1) as VerifyReport, { quiet: flags.quiet }));
    }
  } finally {
    await registry.close();
  }
  if (flags.json) await writeOut(`${JSON.stringify({ schemaVersion: 1, ok: reports.every((r) => r.ok), reports }, null, 2)}\n`);
  return verifyExitCode(reports);
}

function offlineLocation(ref: string, cache: ContentCache): OpenedLocation {
  const location = parseLocation(ref);
  if (location.kind !== "registry") throw new DigestguardError("USAGE", `Cannot verify ${ref} --offline: only registry references are cached; an OCI layout is already local.`);
  const { registry, repository } = location.reference;
  return {
    store: new CacheStore(cache, `${registry}/${repository}`), target: location.target, location,
    display: `${locationDisplay(registry, repository, location.target)} (cache)`,
  };
}

function cacheKey(opened: OpenedLocation): string | undefined {
  if (opened.location.kind !== "registry" || opened.target.tag === undefined) return undefined;
  return `${opened.location.reference.registry}/${opened.location.reference.repository}:${opened.target.tag}`;
}
