import { DigestguardError } from "../errors/error.js";
import type { EventKind, HistoryStore, Observation, StoredEvent } from "../history/history-store.js";
import type { WatchTarget } from "../watch/watch-targets.js";
import { type CheckedBy, checkedByOf } from "./fleet-data.js";
import { IMAGE_STATUSES, type ImageStatus, imageStatus } from "./image-status.js";

/** What the dashboard reads from: the history and the watch's current targets. */
export interface DashboardSource {
  history: HistoryStore;
  targets(): readonly WatchTarget[];
}

/** One row of the image list; `checkedBy`/`checkedAt` name the worker that checked it last. */
export interface ImageRow extends CheckedBy {
  reference: string;
  registry: string;
  digest?: string;
  platforms: number;
  lastChecked?: string;
  status: ImageStatus;
  lastEvent?: StoredEvent;
  pins: string[];
}

/** The list's filters, as GET query parameters. */
export interface ImageFilters {
  registry?: string;
  status?: ImageStatus;
  kind?: EventKind;
}

/**
 * Every watched image (the targets, and any reference with history) with
 * its status and the worker that checked it last, filtered: three reads of
 * the history whatever the count.
 *
 * @example
 * ```ts
 * await imageRows(source, { status: "drifted" });
 * ```
 */
export async function imageRows(source: DashboardSource, filters: ImageFilters = {}): Promise<ImageRow[]> {
  const pinsOf = new Map(source.targets().map((t) => [t.reference, t.pins]));
  const [summaries, checks] = await Promise.all([source.history.referenceSummaries(), source.history.workerChecks()]);
  const checkOf = new Map(checks.map((c) => [c.reference, c]));
  const seen = new Set(summaries.map((s) => s.reference));
  for (const reference of pinsOf.keys()) if (!seen.has(reference)) summaries.push({ reference });
  const rows = summaries.map((summary): ImageRow => {
    const pins = pinsOf.get(summary.reference) ?? [];
    return {
      reference: summary.reference,
      registry: registryOf(summary.reference),
      ...(summary.latest?.digest ? { digest: summary.latest.digest } : {}),
      platforms: summary.latest?.platforms.length ?? 0,
      ...(summary.latest ? { lastChecked: newer(summary.latest, summary.lastEvent) } : {}),
      status: imageStatus(summary, pins),
      ...checkedByOf(checkOf, summary.reference),
      ...(summary.lastEvent ? { lastEvent: summary.lastEvent } : {}),
      pins,
    };
  });
  return filterRows(rows, filters).sort((a, b) => (a.reference < b.reference ? -1 : 1));
}

/**
 * Keep the rows every given filter accepts.
 *
 * @example
 * ```ts
 * filterRows(rows, { registry: "docker.io", status: "drifted" });
 * ```
 */
export function filterRows(rows: readonly ImageRow[], filters: ImageFilters): ImageRow[] {
  return rows
    .filter((r) => filters.registry === undefined || r.registry === filters.registry)
    .filter((r) => filters.status === undefined || r.status === filters.status)
    .filter((r) => filters.kind === undefined || r.lastEvent?.kind === filters.kind);
}

/**
 * Read the filters from a query string, refusing unknown values.
 *
 * @example
 * ```ts
 * imageFilters(new URLSearchParams("status=drifted")); // { status: "drifted" }
 * ```
 */
export function imageFilters(query: URLSearchParams): ImageFilters {
  const registry = query.get("registry") || undefined;
  const status = query.get("status") || undefined;
  const kind = query.get("kind") || undefined;
  if (status !== undefined && !IMAGE_STATUSES.includes(status as ImageStatus))
    throw new DigestguardError("USAGE", `Cannot filter by status "${status}": expected ${IMAGE_STATUSES.join(", ")}.`);
  if (kind !== undefined && !EVENT_KINDS.includes(kind as EventKind))
    throw new DigestguardError("USAGE", `Cannot filter by event kind "${kind}": expected ${EVENT_KINDS.join(", ")}.`);
  return {
    ...(registry ? { registry } : {}),
    ...(status ? { status: status as ImageStatus } : {}),
    ...(kind ? { kind: kind as EventKind } : {}),
  };
}

/**
 * What a list's answer depends on in its query: only the filters, so a
 * cache keyed by it is not bypassed by other parameters.
 *
 * @example
 * ```ts
 * filterKey(new URLSearchParams("status=drifted&junk=1")); // "\ndrifted\n"
 * ```
 */
export function filterKey(query: URLSearchParams): string {
  return ["registry", "status", "kind"].map((name) => query.get(name) ?? "").join("\n");
}

/** Every event kind watch records. */
export const EVENT_KINDS: readonly EventKind[] = [
  "moved",
  "index-churn",
  "moved-back",
  "platform-added",
  "platform-removed",
  "tag-deleted",
  "pin-vanished",
  "new-tag",
  "verify-failed",
  "check-error",
  "test",
];

/** A tag's history: what it pointed to over time, its events, and who checked it last. */
export interface TagHistory extends CheckedBy {
  reference: string;
  observations: Observation[];
  events: StoredEvent[];
  pins: string[];
}

/**
 * One tag's observations (oldest first) and events (newest first).
 *
 * @example
 * ```ts
 * await tagHistory(source, "127.0.0.1:5000/app:1");
 * ```
 */
export async function tagHistory(source: DashboardSource, reference: string): Promise<TagHistory> {
  const [observations, events, checks] = await Promise.all([
    source.history.timeline(reference),
    source.history.events({ reference, limit: 500 }),
    source.history.workerChecks(),
  ]);
  if (observations.length === 0 && events.length === 0)
    throw new DigestguardError(
      "NOT_FOUND",
      `Cannot show ${reference}: it has no history; check the reference, or wait for the first cycle.`,
    );
  const pins = source.targets().find((t) => t.reference === reference)?.pins ?? [];
  const checkedBy = checkedByOf(new Map(checks.map((c) => [c.reference, c])), reference);
  return { reference, observations, events, pins, ...checkedBy };
}

// References in the history are normalised `registry/repository:tag`.
function registryOf(reference: string): string {
  return reference.split("/")[0] ?? reference;
}

// The last time anything was learned of the reference: a sighting or a (later) error.
function newer(latest: Observation, event: StoredEvent | undefined): string {
  return event !== undefined && event.at > latest.lastSeen ? event.at : latest.lastSeen;
}
