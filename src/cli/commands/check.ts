import { DigestguardError } from "../../errors/error.js";
import { locateLockfile } from "../../lockfile/locate-lockfile.js";
import { renderCheck, type CheckFormat } from "../../check/render-check.js";
import { checkExitCode, runCheck } from "../../check/run-check.js";
import { painter, useColor } from "../color.js";
import type { GlobalOptions } from "../global-options.js";
import { terminalProgress } from "../progress-bar.js";
import { splitMirrorFlags } from "../mirror-flags.js";
import { configuredMirrors, positiveNumber, lazyRegistryClient } from "../registry-client-from-options.js";
import type { ActionContext } from "../run-action.js";
import { VERSION } from "../version.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard check`. */
export interface CheckFlags extends GlobalOptions {
  lockfile?: string;
  deep?: boolean;
  exclude?: string[];
  format?: CheckFormat;
  strict?: boolean;
  quiet?: boolean;
  coverage?: boolean;
}

/** `digestguard check [PATH...]`: the CI check of pins, existence, drift and (with --deep) content. */
export async function checkCommand(paths: string[], flags: CheckFlags, { signal }: ActionContext): Promise<number> {
  const format = flags.format ?? (flags.json ? "json" : "text");
  const { copiesAt, readThrough } = splitMirrorFlags(flags.mirror);
  const registry = lazyRegistryClient({ ...flags, mirror: readThrough });
  const coverage = flags.coverage ? await coverageMirrors(copiesAt, { ...flags, mirror: readThrough }) : undefined;
  // Only a person at a terminal watches a bar; machine formats and -q stay silent.
  const progress = flags.deep && format === "text" && !flags.quiet ? await terminalProgress("check --deep") : undefined;
  try {
    const report = await runCheck({
      lockfilePath: flags.lockfile ?? (await locateLockfile()),
      paths,
      deep: flags.deep,
      exclude: flags.exclude,
      signal,
      ...(coverage !== undefined ? { coverage } : {}),
      progress,
      ...(flags.concurrency !== undefined
        ? { concurrency: Math.floor(positiveNumber(flags.concurrency, "--concurrency")) }
        : {}),
      open: (reference) => registry.open(reference),
    });
    progress?.stop();
    const paint = painter(useColor(flags.color, process.stdout));
    await writeOut(renderCheck(report, format, { version: VERSION, quiet: flags.quiet, paint }));
    return checkExitCode(report, { strict: flags.strict });
  } finally {
    progress?.stop();
    await registry.close();
  }
}

// --coverage checks the mirror named by --mirror HOST/PREFIX, else each
// registry's configured mirrors (settings files, digestguard.yaml, --mirror R=M).
async function coverageMirrors(
  copiesAt: string | undefined,
  flags: GlobalOptions,
): Promise<(registry: string) => readonly string[]> {
  if (copiesAt !== undefined) return () => [copiesAt];
  const mirrors = await configuredMirrors(flags);
  if (Object.keys(mirrors).length === 0)
    throw new DigestguardError(
      "USAGE",
      "Cannot check --coverage: no mirror is configured; pass --mirror HOST/PREFIX or configure registries.<host>.mirrors.",
    );
  return (registry) => mirrors[registry] ?? [];
}
