import { DigestguardError, ExitCode } from "../../errors/error.js";
import { parsePlatform } from "../../oci/platform.js";
import { renderDigestErrors, renderDigests } from "../../digest/render-digests.js";
import { resolveDigests } from "../../digest/resolve-digests.js";
import type { GlobalOptions } from "../global-options.js";
import { positiveNumber, lazyRegistryClient } from "../registry-client-from-options.js";
import type { ActionContext } from "../run-action.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard digest`. */
export interface DigestFlags extends GlobalOptions {
  platform?: string;
  quiet?: boolean;
  stats?: boolean;
}

/**
 * `digestguard digest REF...`: resolve references to digests. Exits 0 when
 * all resolved, else with the exit code of the first failure.
 */
export async function digestCommand(refs: string[], flags: DigestFlags, { signal }: ActionContext): Promise<number> {
  const platform = flags.platform === undefined ? undefined : parsePlatform(flags.platform);
  const concurrency =
    flags.concurrency === undefined ? 8 : Math.floor(positiveNumber(flags.concurrency, "--concurrency"));
  const inputs = refs.length > 0 ? refs : await readStdinLines();
  if (inputs.length === 0)
    throw new DigestguardError(
      "USAGE",
      "Cannot resolve digests: no reference given; pass references as arguments or one per line on stdin.",
    );
  const registry = lazyRegistryClient(flags);
  try {
    const results = await resolveDigests(inputs, {
      open: (text) => registry.open(text),
      platform,
      concurrency,
      signal,
    });
    await writeOut(
      flags.json
        ? `${JSON.stringify({ schemaVersion: 1, results }, null, 2)}\n`
        : renderDigests(results, { quiet: flags.quiet }),
    );
    if (flags.quiet && !flags.json) process.stderr.write(renderDigestErrors(results));
    if (flags.stats) process.stderr.write(`requests: ${JSON.stringify((await registry.get()).stats)}\n`);
    const failed = results.find((r) => r.error !== undefined);
    return failed?.error?.exitCode ?? ExitCode.ok;
  } finally {
    await registry.close();
  }
}

async function readStdinLines(): Promise<string[]> {
  if (process.stdin.isTTY) return [];
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}
