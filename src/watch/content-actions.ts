import type { WatchEvent } from "../history/history-store.js";
import { verifyImage } from "../image/verify-image.js";
import { parseDigest } from "../oci/digest.js";
import type { ContentStore } from "../store/content-store.js";
import { bringsContent, type WatchAction } from "./watch-actions.js";
import type { WatchLog } from "./watch-log.js";

/**
 * Hooks for actions that write elsewhere. `mirror` copies new content to the
 * backup target (mirror-action.ts builds it from `watch.mirror.to`): when
 * absent, a `mirror` action is logged as skipped, never silently dropped.
 */
export interface ContentActionHooks {
  mirror?: (event: WatchEvent & { to: string }, store: ContentStore, signal?: AbortSignal) => Promise<void>;
}

/**
 * Run the content actions of one event — verify (`verify-deep` adds the
 * diff_id check) and mirror — and return the events they raise
 * (`verify-failed` with the problems found).
 *
 * @example
 * ```ts
 * const more = await contentActions(event, ["verify", "notify"], { store, log });
 * ```
 */
export async function contentActions(
  event: WatchEvent,
  actions: WatchAction[],
  deps: ContentActionHooks & { store: ContentStore; log: WatchLog; signal?: AbortSignal },
): Promise<WatchEvent[]> {
  if (!bringsContent(event) || event.to === undefined) return [];
  const raised: WatchEvent[] = [];
  const verify = actions.includes("verify-deep") ? "deep" : actions.includes("verify") ? "full" : undefined;
  if (verify !== undefined) {
    const display = `${event.reference}@${event.to}`;
    const report = await verifyImage(
      deps.store,
      { digest: parseDigest(event.to) },
      { display, mode: verify, ...(deps.signal ? { signal: deps.signal } : {}) },
    );
    deps.log(report.ok ? "info" : "warn", report.ok ? "verified new content" : "verification failed", {
      reference: event.reference,
      digest: event.to,
      mode: verify,
    });
    if (!report.ok)
      raised.push({
        kind: "verify-failed",
        reference: event.reference,
        at: event.at,
        to: event.to,
        detail: { mode: verify, failed: report.totals.failed, problems: failures(report) },
      });
  }
  if (actions.includes("mirror")) {
    if (deps.mirror === undefined)
      deps.log("warn", "mirror action skipped: no watch.mirror.to configured", {
        reference: event.reference,
        digest: event.to,
      });
    else await deps.mirror({ ...event, to: event.to }, deps.store, deps.signal);
  }
  return raised;
}

function failures(report: Awaited<ReturnType<typeof verifyImage>>): string[] {
  const blobs = report.blobs
    .filter((b) => b.failure !== undefined)
    .map((b) => `${b.role} ${b.digest}: ${b.failure?.message ?? ""}`);
  const manifests = report.manifests
    .filter((m) => m.failure !== undefined)
    .map((m) => `manifest ${m.digest}: ${m.failure?.message ?? ""}`);
  return [...manifests, ...blobs, ...report.problems.map((p) => p.message)].slice(0, 20);
}
