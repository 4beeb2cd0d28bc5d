import { DigestguardError } from "../errors/error.js";
import type { HistoryStore, Observation } from "../history/history-store.js";
import { parseReference } from "../oci/reference.js";

/** A tag's history, or what it pointed to at one time. */
export interface TimelineReport {
  schemaVersion: 1;
  reference: string;
  /** Set with `--at`: the time asked about. */
  at?: string;
  observations: Observation[];
}

/**
 * What a tag pointed to over time (`dg history REF`), or at one moment
 * (`--at`): the observation that started at or before that time. A time
 * before the first observation answers with none: nothing was seen then.
 *
 * @example
 * ```ts
 * await readTimeline(history, "alpine:3.19", { at: "2024-09-03T12:00Z" });
 * ```
 */
export async function readTimeline(
  history: HistoryStore,
  text: string,
  options: { at?: string } = {},
): Promise<TimelineReport> {
  const ref = parseReference(text);
  const reference = `${ref.registry}/${ref.repository}:${ref.tag ?? "latest"}`;
  if (options.at === undefined) return { schemaVersion: 1, reference, observations: await history.timeline(reference) };
  const at = parseTime(options.at);
  const observation = await history.observationAt(reference, at);
  return { schemaVersion: 1, reference, at, observations: observation === undefined ? [] : [observation] };
}

function parseTime(text: string): string {
  const time = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time)) {
    throw new DigestguardError(
      "USAGE",
      `Cannot use --at "${text}": expected an ISO 8601 time, e.g. 2024-09-03T12:00Z.`,
    );
  }
  return new Date(time).toISOString();
}

/**
 * The timeline as text, one observation a line.
 *
 * @example
 * ```ts
 * renderTimeline(report); // "2026-01-01T00:00:00.000Z … 2026-01-02T…  sha256:…  linux/amd64, linux/arm64\n"
 * ```
 */
export function renderTimeline(report: TimelineReport): string {
  if (report.observations.length === 0) {
    return `${report.reference}: ${report.at === undefined ? "never observed" : `not observed at or before ${report.at}`}\n`;
  }
  const lines = report.observations.map((o) => {
    const what = o.digest ?? "(tag absent)";
    const platforms = o.platforms.length === 0 ? "" : `  ${o.platforms.map((p) => p.platform).join(", ")}`;
    return `${o.firstSeen} … ${o.lastSeen}  ${what}${platforms}`;
  });
  const head = report.at === undefined ? `${report.reference}` : `${report.reference} at ${report.at}`;
  return `${head}\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}
