import { diagnoseExitCode, diagnoseText } from "../../diagnose/diagnose-text.js";
import { renderDiagnosis, renderDiagnosisMarkdown } from "../../diagnose/render-diagnose.js";
import { DigestguardError } from "../../errors/error.js";
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
export async function diagnoseCommand(
  text: string | undefined,
  flags: DiagnoseFlags,
  { signal }: ActionContext,
): Promise<number> {
  const input = text === undefined || text === "-" ? await readStdin() : text;
  const mirrors = await configuredMirrors(flags);
  const layouts = await configuredLayouts(flags);
  let client: Promise<RegistryClient> | undefined;
  const named = new Set<string>();
  // diagnose asks many questions of possibly unreachable hosts: one retry, not four, keeps an offline run short.
  const origin = () =>
    (client ??= registryClientFromOptions(flags, {
      mirrors: false,
      named,
      retry: { attempts: 2, baseDelayMs: 200, maxDelayMs: 2_000 },
    }));
  try {
    const report = await diagnoseText({
      text: input,
      signal,
      lockfilePath: flags.lockfile,
      ...(flags.image !== undefined ? { images: flags.image } : {}),
      cacheDir: flags.cache === false ? false : flags.cacheDir,
      engines:
        flags.engines === false
          ? false
          : {
              containerdRoot: flags.containerdRoot,
              containerdNamespace: flags.containerdNamespace,
              buildkitRoot: flags.buildkitRoot,
            },
      alternatives: flags.alternatives === true || flags.report !== undefined,
      openOrigin: async (reference) => {
        const location = parseLocation(reference);
        if (location.kind === "registry") named.add(location.reference.registry);
        const opened = await openLocation(reference, { client: origin, layouts });
        return {
          name: opened.location.kind === "registry" ? opened.location.reference.registry : opened.store.location,
          store: opened.store,
          target: opened.target,
        };
      },
      mirrorsFor: async (reference) => {
        const location = parseLocation(reference);
        if (location.kind !== "registry") return [];
        const { registry, repository } = location.reference;
        return Promise.all(
          (mirrors[registry] ?? []).map(async (location) => {
            const { host, prefix } = parseMirrorLocation(location);
            return {
              name: location,
              store: new RegistryStore(await origin(), { registry: host, repository: `${prefix}${repository}` }),
            };
          }),
        );
      },
    });
    if (flags.report !== undefined)
      await writeFileAtomic(flags.report, renderDiagnosisMarkdown(report, { text: input, version: VERSION }), {
        signal,
      });
    await writeOut(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderDiagnosis(report));
    if (flags.report !== undefined && !flags.json) process.stderr.write(`Evidence report written to ${flags.report}\n`);
    return diagnoseExitCode(report);
  } finally {
    if (client !== undefined) await (await client).close();
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new DigestguardError(
      "USAGE",
      "Cannot diagnose: no error text given; pass it as an argument or pipe it on stdin.",
    );
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}
