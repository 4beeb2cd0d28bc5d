import { ContentCache } from "../../store/cache/content-cache.js";
import { diagnose } from "../../diagnose/diagnose.js";
import { buildkitStore, containerdStore, type EngineStore } from "../../diagnose/engine-content-store.js";
import { renderDiagnosis, renderDiagnosisMarkdown } from "../../diagnose/render-diagnose.js";
import { DigestguardError, ExitCode } from "../../errors/error.js";
import { LOCKFILE_NAME, readLockfile } from "../../lockfile/lockfile.js";
import { formatReference } from "../../oci/reference.js";
import { scanReferences } from "../../scan/scan-references.js";
import { openLocation, parseLocation } from "../../store/open-location.js";
import { parseMirrorLocation } from "../../registry/endpoints.js";
import { RegistryStore } from "../../store/registry-store.js";
import { writeFileAtomic } from "../../fs/atomic-file.js";
import type { RegistryClient } from "../../registry/registry-client.js";
import type { GlobalOptions } from "../global-options.js";
import { configuredLayouts, configuredMirrors, registryClientFromOptions } from "../registry-client-from-options.js";
import type { ActionContext } from "../run-action.js";
import { VERSION } from "../version.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard diagnose`. */
export interface DiagnoseFlags extends GlobalOptions {
  image?: string[];
  lockfile?: string;
  report?: string;
  cacheDir?: string;
  /** false with --no-cache. */
  cache?: boolean;
  /** containerd's root (default /var/lib/containerd), read for its copy of the blob. */
  containerdRoot?: string;
  containerdNamespace?: string;
  /** BuildKit's root (default /var/lib/buildkit/runc-overlayfs). */
  buildkitRoot?: string;
  /** false with --no-engines: do not read local engines' content stores. */
  engines?: boolean;
  /** Find ways forward (also on with --report). */
  alternatives?: boolean;
}

/**
 * `digestguard diagnose [TEXT|-]`: explain a pull/build error and say what
 * to do. Exit 0 when a cause was found, 1 when undetermined, 5 when every
 * lookup failed on the network.
 */
export async function diagnoseCommand(text: string | undefined, flags: DiagnoseFlags, { signal }: ActionContext): Promise<number> {
  const input = text === undefined || text === "-" ? await readStdin() : text;
  if (input.trim() === "") throw new DigestguardError("USAGE", "Cannot diagnose nothing: paste the error text as an argument or pipe it on stdin.");
  const lock = await readLockfile(flags.lockfile ?? LOCKFILE_NAME);
  const mirrors = await configuredMirrors(flags);
  const layouts = await configuredLayouts(flags);
  let client: Promise<RegistryClient> | undefined;
  const named = new Set<string>();
  // diagnose asks many questions of possibly unreachable hosts: one retry, not four, keeps an offline run short.
  const origin = () => (client ??= registryClientFromOptions(flags, { mirrors: false, named, retry: { attempts: 2, baseDelayMs: 200, maxDelayMs: 2_000 } }));
  try {
    const report = await diagnose({
      text: input, signal, ...(lock ? { lock } : {}), images: [...(flags.image ?? []), ...(lock || flags.image ? [] : await imagesInThisFolder(signal))],
      ...(flags.cache === false ? {} : { cache: await ContentCache.open(flags.cacheDir) }),
      engines: engineStores(flags),
      ...(flags.alternatives || flags.report !== undefined ? { alternatives: { lockfilePath: flags.lockfile ?? LOCKFILE_NAME } } : {}),
      openOrigin: async (reference) => {
        const location = parseLocation(reference);
        if (location.kind === "registry") named.add(location.reference.registry);
        const opened = await openLocation(reference, { client: origin, layouts });
        return { name: opened.location.kind === "registry" ? opened.location.reference.registry : opened.store.location, store: opened.store, target: opened.target };
      },
      mirrorsFor: async (reference) => {
        const location = parseLocation(reference);
        if (location.kind !== "registry") return [];
        const { registry, repository } = location.reference;
        return Promise.all((mirrors[registry] ?? []).map(async (location) => {
          const { host, prefix } = parseMirrorLocation(location);
          return { name: location, store: new RegistryStore(await origin(), { registry: host, repository: `${prefix}${repository}` }) };
        }));
      },
    });
    if (flags.report !== undefined) await writeFileAtomic(flags.report, renderDiagnosisMarkdown(report, { text: input, version: VERSION }), { signal });
    await writeOut(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderDiagnosis(report));
    if (flags.report !== undefined && !flags.json) process.stderr.write(`Evidence report written to ${flags.report}\n`);
    if (report.verdict.cause !== "undetermined") return ExitCode.ok;
    return report.verdict.undetermined === "registry-unreachable" ? ExitCode.unavailable : ExitCode.findings;
  } finally {
    if (client !== undefined) await (await client).close();
  }
}

// Read only, and only when present: a missing or unreadable store is simply not evidence.
function engineStores(flags: DiagnoseFlags): EngineStore[] {
  if (flags.engines === false) return [];
  return [containerdStore(flags.containerdRoot, flags.containerdNamespace ?? "k8s.io"), buildkitStore(flags.buildkitRoot)];
}

// Without a lockfile or --image, the Dockerfiles and compose files here name the candidates.
async function imagesInThisFolder(signal: AbortSignal): Promise<string[]> {
  const files = await scanReferences(["."], { signal }).catch(() => []);
  return [...new Set(files.flatMap((file) => file.pinnable.map((ref) => formatReference(ref.reference))))].slice(0, 20);
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new DigestguardError("USAGE", "Cannot diagnose: no error text given; pass it as an argument or pipe it on stdin.");
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}
