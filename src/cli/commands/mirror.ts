import { ERROR_CODES, ExitCode, type ErrorCode } from "../../errors/error.js";
import { parsePlatform } from "../../oci/platform.js";
import { mirrorConfigSnippet, type MirrorClient } from "../../mirror/mirror-config.js";
import { mirrorImage } from "../../mirror/mirror-image.js";
import type { MirrorReport } from "../../mirror/mirror-report.js";
import { renderMirror } from "../../mirror/render-mirror.js";
import { openLocation, parseLocation } from "../../store/open-location.js";
import type { GlobalOptions } from "../global-options.js";
import { terminalProgress } from "../progress-bar.js";
import { lazyRegistryClient, positiveNumber } from "../registry-client-from-options.js";
import type { ActionContext } from "../run-action.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard mirror`. */
export interface MirrorFlags extends GlobalOptions {
  platform?: string[];
  allTags?: boolean;
  referrers?: boolean;
  includeForeign?: boolean;
}

/** `digestguard mirror SRC DST`: copy, verified; exit 0 only when every image is at the destination. */
export async function mirrorCommand(
  source: string,
  destination: string,
  flags: MirrorFlags,
  { signal }: ActionContext,
): Promise<number> {
  const platforms = (flags.platform ?? []).map(parsePlatform);
  const concurrency =
    flags.concurrency === undefined ? undefined : Math.floor(positiveNumber(flags.concurrency, "--concurrency"));
  const registry = lazyRegistryClient(flags);
  let report: MirrorReport;
  try {
    report = await mirrorImage(source, destination, {
      open: async (text, { create }) => {
        if (!create) return registry.open(text);
        const location = parseLocation(text);
        if (location.kind === "registry") registry.name(location.reference.registry);
        return openLocation(text, { client: registry.get, create: true });
      },
      ...(platforms.length === 0 ? {} : { platforms }),
      ...(concurrency === undefined ? {} : { concurrency }),
      allTags: flags.allTags === true,
      referrers: flags.referrers === true,
      includeForeign: flags.includeForeign === true,
      signal,
      ...(flags.json ? {} : { progress: copyProgress }),
    });
  } finally {
    await registry.close();
  }
  await writeOut(flags.json ? `${JSON.stringify({ schemaVersion: 1, ...report }, null, 2)}\n` : renderMirror(report));
  return mirrorExitCode(report);
}

async function copyProgress(label: string) {
  const bar = await terminalProgress(label);
  if (bar === undefined) return undefined;
  return { start: bar.start, advance: bar.advance, blobDone: () => bar.blobDone(undefined as never), stop: bar.stop };
}

function mirrorExitCode(report: MirrorReport): number {
  const failed = report.items.find((item) => item.status === "failed");
  if (failed === undefined) return ExitCode.ok;
  return ERROR_CODES[failed.error?.code as ErrorCode] ?? ExitCode.unavailable;
}

/** Flags of `digestguard mirror config`. */
export interface MirrorConfigFlags extends GlobalOptions {
  for: MirrorClient;
  upstream?: string;
}

/** `digestguard mirror config --for CLIENT MIRROR`: the snippet on stdout (pipe it into its file), where it goes on stderr. */
export async function mirrorConfigCommand(mirror: string, flags: MirrorConfigFlags): Promise<number> {
  const snippet = mirrorConfigSnippet(flags.for, mirror, flags.upstream);
  if (flags.json) {
    await writeOut(`${JSON.stringify({ schemaVersion: 1, client: flags.for, ...snippet }, null, 2)}\n`);
    return ExitCode.ok;
  }
  process.stderr.write(`# ${snippet.file}\n${snippet.notes.map((note) => `# ${note}\n`).join("")}`);
  await writeOut(snippet.text);
  return ExitCode.ok;
}
