import { locateLockfile } from "../../lockfile/locate-lockfile.js";
import { renderCheck, type CheckFormat } from "../../check/render-check.js";
import { checkExitCode, runCheck } from "../../check/run-check.js";
import type { GlobalOptions } from "../global-options.js";
import { positiveNumber, lazyRegistryClient } from "../registry-client-from-options.js";
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
}

/** `digestguard check [PATH...]`: the CI check of pins, existence, drift and (with --deep) content. */
export async function checkCommand(paths: string[], flags: CheckFlags, { signal }: ActionContext): Promise<number> {
  const registry = lazyRegistryClient(flags);
  try {
    const report = await runCheck({
      lockfilePath: flags.lockfile ?? (await locateLockfile()), paths, deep: flags.deep, exclude: flags.exclude, signal,
      ...(flags.concurrency !== undefined ? { concurrency: Math.floor(positiveNumber(flags.concurrency, "--concurrency")) } : {}),
      open: (reference) => registry.open(reference),
    });
    await writeOut(renderCheck(report, flags.format ?? (flags.json ? "json" : "text"), { version: VERSION }));
    return checkExitCode(report, { strict: flags.strict });
  } finally {
    await registry.close();
  }
}
