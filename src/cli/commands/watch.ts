import { ExitCode } from "../../errors/error.js";
import { DigestguardError } from "../../errors/error.js";
import { parseRepository } from "../../oci/reference.js";
import { RegistryStore } from "../../store/registry-store.js";
import { loadWatchPlan } from "../../watch/load-watch-plan.js";
import { DEFAULT_LEASE_MS, defaultWorkerId } from "../../watch/shared-cycle.js";
import { lineLogger } from "../../watch/watch-log.js";
import { startWatch, watchOnce } from "../../watch/watch-service.js";
import type { WatchTarget } from "../../watch/watch-targets.js";
import type { GlobalOptions } from "../global-options.js";
import { openHistory } from "../open-history.js";
import { positiveNumber, registryClientFromOptions } from "../registry-client-from-options.js";
import { watchDashboard } from "../watch-dashboard.js";
import type { ActionContext } from "../run-action.js";
import { writeOut } from "../write-out.js";

/** Flags of `digestguard watch`. */
export interface WatchFlags extends GlobalOptions {
  once?: boolean;
  db?: string;
  lockfile?: string;
  logFormat?: string;
  listen?: string;
  workerId?: string;
  leaseSeconds?: string;
}

/**
 * `digestguard watch`: one cycle with `--once`, else the long-lived service
 * until SIGTERM/SIGINT; SIGHUP reloads the config.
 */
export async function watchCommand(flags: WatchFlags, { signal }: ActionContext): Promise<number> {
  if (flags.logFormat !== "json" && flags.logFormat !== "text" && flags.logFormat !== undefined) {
    throw new DigestguardError("USAGE", `Cannot use --log-format "${flags.logFormat}": expected text or json.`);
  }
  const log = lineLogger(flags.logFormat === "json" ? "json" : "text", (line) => process.stderr.write(line));
  const sources = {
    ...(flags.config ? { configPath: flags.config } : {}),
    ...(flags.lockfile ? { lockfilePath: flags.lockfile } : {}),
  };
  const plan = await loadWatchPlan(sources);
  const worker = {
    id: flags.workerId ?? defaultWorkerId(),
    leaseMs:
      flags.leaseSeconds === undefined
        ? DEFAULT_LEASE_MS
        : positiveNumber(flags.leaseSeconds, "--lease-seconds") * 1000,
  };
  const history = await openHistory(flags);
  const dashboard = await watchDashboard({
    listen: flags.listen,
    once: flags.once === true,
    configPath: flags.config,
    settings: plan.settings,
    history,
    log,
  }).catch(async (error: unknown) => {
    await history.close();
    throw error;
  });
  const client = await registryClientFromOptions(flags, {
    ...(dashboard ? { onResponse: dashboard.onResponse } : {}),
    mirrors: false,
    named: new Set([
      ...plan.targets.map((t) => t.registry),
      ...(plan.mirrorTo === undefined ? [] : [parseRepository(plan.mirrorTo).registry]),
    ]),
  });
  const openStore = (t: Pick<WatchTarget, "registry" | "repository">): RegistryStore =>
    new RegistryStore(client, { registry: t.registry, repository: t.repository }, { originOnly: true });
  const common = {
    history,
    openStore,
    log,
    signal,
    worker,
    requestCount: () => client.stats.requests,
    ...(dashboard ? { observer: dashboard.observer } : {}),
  };
  try {
    if (flags.once === true) {
      const report = await watchOnce(plan, common);
      if (flags.json === true) await writeOut(`${JSON.stringify({ schemaVersion: 1, ...report }, null, 2)}\n`);
      if (report.checked > 0 && report.errors === report.checked) return ExitCode.unavailable;
      return report.events.some((e) => e.kind !== "check-error") ? ExitCode.findings : ExitCode.ok;
    }
    const running = await startWatch({ ...common, plan: () => loadWatchPlan(sources) });
    await dashboard?.start(running);
    const onHangup = (): void => void running.reload();
    process.on("SIGHUP", onHangup);
    try {
      await running.done;
    } finally {
      process.off("SIGHUP", onHangup);
    }
    log("info", "watch stopped; history closed");
    return ExitCode.ok;
  } finally {
    await dashboard?.close();
    await history.close();
    await client.close();
  }
}
