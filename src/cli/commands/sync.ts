import type { SyncSettings } from "../../config/config-schema.js";
import { loadConfig } from "../../config/load-config.js";
import { ERROR_CODES, DigestguardError, ExitCode, type ErrorCode } from "../../errors/error.js";
import { RegistryStore } from "../../store/registry-store.js";
import { renderSync } from "../../sync/render-sync.js";
import { syncOnce } from "../../sync/sync-once.js";
import type { SyncReport } from "../../sync/sync-report.js";
import { runSyncSchedule } from "../../sync/sync-schedule.js";
import { syncRegistries } from "../../sync/sync-target.js";
import type { HistoryStore } from "../../history/history-store.js";
import { DEFAULT_LEASE_MS, defaultWorkerId } from "../../history/shared-work.js";
import { lineLogger } from "../../watch/watch-log.js";
import type { GlobalOptions } from "../global-options.js";
import { positiveNumber, registryClientFromOptions } from "../registry-client-from-options.js";
import type { ActionContext } from "../run-action.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard sync`. */
export interface SyncFlags extends GlobalOptions {
  dryRun?: boolean;
  once?: boolean;
  schedule?: string;
  workerId?: string;
  leaseSeconds?: string;
}

/** `digestguard sync --dry-run | --once | --schedule CRON`: the `sync:` section of digestguard.yaml, planned, run once or kept running. */
export async function syncCommand(flags: SyncFlags, { signal }: ActionContext): Promise<number> {
  if (flags.schedule !== undefined && (flags.dryRun === true || flags.once === true))
    throw new DigestguardError("USAGE", "Cannot sync: --schedule runs for good; drop --once or --dry-run.");
  const { path, config } = await loadConfig(flags.config ? { path: flags.config } : {});
  if (config.sync === undefined)
    throw new DigestguardError(
      "CONFIG_INVALID",
      `Cannot sync: ${path ?? "no digestguard.yaml was found, so the config"} has no sync: section; add one (see the README).`,
    );
  const schedule = flags.dryRun === true || flags.once === true ? undefined : (flags.schedule ?? config.sync.schedule);
  if (flags.dryRun !== true && flags.once !== true && schedule === undefined)
    throw new DigestguardError(
      "USAGE",
      "Cannot sync: nothing asked; pass --dry-run to see the plan, --once to run it, or --schedule CRON to keep running it.",
    );
  const client = await registryClientFromOptions(flags, { mirrors: false, named: syncRegistries(config.sync) });
  // The origin only: a sync fills a mirror, and must not read its own target back through it.
  const open = (repo: { registry: string; repository: string }) =>
    new RegistryStore(client, repo, { originOnly: true });
  try {
    if (schedule !== undefined) return await scheduled(config.sync, schedule, open, flags, signal);
    const report = await syncOnce(config.sync, { open, dryRun: flags.dryRun === true, signal });
    await writeOut(flags.json ? `${JSON.stringify({ schemaVersion: 1, ...report }, null, 2)}\n` : renderSync(report));
    return syncExitCode(report);
  } finally {
    await client.close();
  }
}

type Shared = { history: HistoryStore; worker: string; leaseMs: number };

// With a database configured, passes are shared with every sync worker on it; without, as before.
async function scheduled(
  settings: SyncSettings,
  schedule: string,
  open: (repo: { registry: string; repository: string }) => RegistryStore,
  flags: SyncFlags,
  signal: AbortSignal,
): Promise<number> {
  const leaseMs =
    flags.leaseSeconds === undefined ? DEFAULT_LEASE_MS : positiveNumber(flags.leaseSeconds, "--lease-seconds") * 1000;
  // Loaded only for a schedule: `sync --once` and `--dry-run` never open a history.
  const { openSharedDatabase } = await import("../open-history.js");
  const history = await openSharedDatabase(flags);
  try {
    const shared = history && { history, worker: flags.workerId ?? defaultWorkerId(), leaseMs };
    return await runPasses(settings, { schedule, open, signal }, flags, shared);
  } finally {
    await history?.close();
  }
}

// Log lines on stderr; each pass's report on stdout (with --json one compact document a line).
async function runPasses(
  settings: SyncSettings,
  run: {
    schedule: string;
    open: (repo: { registry: string; repository: string }) => RegistryStore;
    signal: AbortSignal;
  },
  flags: SyncFlags,
  shared: Shared | undefined,
): Promise<number> {
  const log = lineLogger(flags.json ? "json" : "text", (line) => process.stderr.write(line));
  const worker = shared ? { worker: shared.worker } : {};
  log("info", "sync started", { schedule: run.schedule, images: settings.images.length, ...worker });
  const passes = await runSyncSchedule(settings, {
    ...run,
    ...(shared ? { shared } : {}),
    onPass: async (report, pass, tick) => {
      const { copied, upToDate, failed, bytes } = report.totals;
      const named = tick === undefined ? {} : { tick: tick.slice("sync:".length), ...worker };
      log(report.ok ? "info" : "warn", "pass done", { pass, ...named, copied, upToDate, failed, bytes });
      const line = { schemaVersion: 1, pass, ...named, ...report };
      await writeOut(flags.json ? `${JSON.stringify(line)}\n` : renderSync(report));
    },
    onError: (error, pass) =>
      log("error", "pass failed", { pass, error: (error as Error).message, code: (error as DigestguardError).code }),
    onNext: (next) => log("debug", "next pass", { at: next?.toISOString() }),
  });
  log("info", "sync stopped", { passes });
  return ExitCode.ok;
}

function syncExitCode(report: SyncReport): number {
  if (report.ok) return ExitCode.ok;
  const failure = report.images.flatMap((image) => [image.error, ...image.tags.map((t) => t.error)]).find(Boolean);
  return ERROR_CODES[failure?.code as ErrorCode] ?? ExitCode.unavailable;
}
