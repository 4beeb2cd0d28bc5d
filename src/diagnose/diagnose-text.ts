import { ContentCache } from "../store/cache/content-cache.js";
import { DigestguardError, ExitCode } from "../errors/error.js";
import { readLockfile } from "../lockfile/lockfile.js";
import { locateLockfile } from "../lockfile/locate-lockfile.js";
import { formatReference } from "../oci/reference.js";
import { scanReferences } from "../scan/scan-references.js";
import { diagnose, type DiagnoseOptions, type DiagnoseReport } from "./diagnose.js";
import { buildkitStore, containerdStore, type EngineStore } from "./engine-content-store.js";

/** Where `diagnoseText` looks besides the registries `openOrigin`/`mirrorsFor` reach. */
export interface DiagnoseTextOptions extends Pick<DiagnoseOptions, "openOrigin" | "mirrorsFor" | "signal"> {
  /** The error text, as pasted or piped. */
  text: string;
  /** Images the failing build pulled (`--image`). */
  images?: string[];
  /** Lockfile to search for the digest (default digestguard.lock; a missing one is no evidence). */
  lockfilePath?: string;
  /** Local cache folder; `false` leaves the cache out. */
  cacheDir?: string | false;
  /** Local engines' content stores to read; `false` reads none. */
  engines?: false | { containerdRoot?: string; containerdNamespace?: string; buildkitRoot?: string };
  /** Also look for ways forward, each verified (`--alternatives`, and always for `--report`). */
  alternatives?: boolean;
}

/**
 * `digestguard diagnose` as one call: read the lockfile, take the candidate
 * images (`images`, else the references in this folder's Dockerfiles and
 * compose files when there is no lockfile), open the cache and the local
 * engines' stores, and diagnose `text`.
 *
 * @example
 * ```ts
 * const report = await diagnoseText({ text, images: ["ruby:3.3-slim"], openOrigin, mirrorsFor });
 * process.exitCode = diagnoseExitCode(report);
 * ```
 */
export async function diagnoseText(options: DiagnoseTextOptions): Promise<DiagnoseReport> {
  const { text, signal } = options;
  if (text.trim() === "")
    throw new DigestguardError(
      "USAGE",
      "Cannot diagnose nothing: paste the error text as an argument or pipe it on stdin.",
    );
  const lockfilePath = options.lockfilePath ?? (await locateLockfile());
  const lock = await readLockfile(lockfilePath);
  const given = options.images ?? [];
  const images = [...given, ...(lock || options.images ? [] : await imagesInThisFolder(signal))];
  return diagnose({
    text,
    signal,
    images,
    ...(lock ? { lock } : {}),
    ...(options.cacheDir === false ? {} : { cache: await ContentCache.open(options.cacheDir) }),
    engines: engineStores(options.engines),
    openOrigin: options.openOrigin,
    mirrorsFor: options.mirrorsFor,
    ...(options.alternatives ? { alternatives: { lockfilePath } } : {}),
  });
}

/**
 * The exit code of a diagnosis: 0 when a cause was found, 5 when every
 * lookup failed on the network, else 1 (undetermined).
 *
 * @example
 * ```ts
 * diagnoseExitCode(report); // 0
 * ```
 */
export function diagnoseExitCode(report: DiagnoseReport): number {
  if (report.verdict.cause !== "undetermined") return ExitCode.ok;
  return report.verdict.undetermined === "registry-unreachable" ? ExitCode.unavailable : ExitCode.findings;
}

// Read only, and only when present: a missing or unreadable store is simply not evidence.
function engineStores(engines: DiagnoseTextOptions["engines"] = {}): EngineStore[] {
  if (engines === false) return [];
  return [
    containerdStore(engines.containerdRoot, engines.containerdNamespace ?? "k8s.io"),
    buildkitStore(engines.buildkitRoot),
  ];
}

// Without a lockfile or --image, the Dockerfiles and compose files here name the candidates.
async function imagesInThisFolder(signal: AbortSignal | undefined): Promise<string[]> {
  const files = await scanReferences(["."], { signal }).catch(() => []);
  return [...new Set(files.flatMap((file) => file.pinnable.map((ref) => formatReference(ref.reference))))].slice(0, 20);
}
