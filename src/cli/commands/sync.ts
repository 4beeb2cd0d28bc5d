import { loadConfig } from "../../config/load-config.js";
import { ERROR_CODES, DigestguardError, ExitCode, type ErrorCode } from "../../errors/error.js";
import { RegistryStore } from "../../store/registry-store.js";
import { renderSync } from "../../sync/render-sync.js";
import { syncOnce } from "../../sync/sync-once.js";
import type { SyncReport } from "../../sync/sync-report.js";
import { syncRegistries } from "../../sync/sync-target.js";
import type { GlobalOptions } from "../global-options.js";
import { registryClientFromOptions } from "../registry-client-from-options.js";
import type { ActionContext } from "../run-action.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard sync`. */
export interface SyncFlags extends GlobalOptions {
  dryRun?: boolean;
  once?: boolean;
}

/** `digestguard sync --dry-run | --once`: the `sync:` section of digestguard.yaml, planned or run once. */
export async function syncCommand(flags: SyncFlags, { signal }: ActionContext): Promise<number> {
  if (flags.dryRun !== true && flags.once !== true)
    throw new DigestguardError(
      "USAGE",
      "Cannot sync: nothing asked; pass --dry-run to see the plan or --once to run it.",
    );
  const { path, config } = await loadConfig(flags.config ? { path: flags.config } : {});
  if (config.sync === undefined)
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot sync: ${path ?? "no digestguard.yaml was found, so the config"} has no sync: section; add one (see the README).`,
    );
  const client = await registryClientFromOptions(flags, { mirrors: false, named: syncRegistries(config.sync) });
  let report: SyncReport;
  try {
    report = await syncOnce(config.sync, {
      // The origin only: a sync fills a mirror, and must not read its own target back through it.
      open: (repo) => new RegistryStore(client, repo, { originOnly: true }),
      dryRun: flags.dryRun === true,
      signal,
    });
  } finally {
    await client.close();
  }
  await writeOut(flags.json ? `${JSON.stringify({ schemaVersion: 1, ...report }, null, 2)}\n` : renderSync(report));
  return syncExitCode(report);
}

function syncExitCode(report: SyncReport): number {
  if (report.ok) return ExitCode.ok;
  const failure = report.images.flatMap((image) => [image.error, ...image.tags.map((t) => t.error)]).find(Boolean);
  return ERROR_CODES[failure?.code as ErrorCode] ?? ExitCode.unavailable;
}
