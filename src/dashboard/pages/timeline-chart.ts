import type { Observation, StoredEvent } from "../../history/history-store.js";
import { type Html, html } from "../html.js";
import { shortDigest } from "./layout.js";

const WIDTH = 800;
const LEFT = 150;
const RIGHT = 20;
const LANE = 28;
const TOP = 36;

/** Events drawn as markers on the top lane. */
const MARKED = new Set([
  "platform-added",
  "platform-removed",
  "verify-failed",
  "check-error",
  "tag-deleted",
  "pin-vanished",
]);

/**
 * A tag's timeline as an inline SVG: one lane per digest the tag pointed
 * to, a bar for each observation (first to last seen) with a point where it
 * began, a step line where it moved, and markers above for platform changes, verification failures and
 * check errors. Styled only by classes (the stylesheet), so the page's CSP
 * needs no inline styles.
 *
 * @example
 * ```ts
 * timelineChart(observations, events).text; // "<svg …>…</svg>"
 * ```
 */
export function timelineChart(observations: readonly Observation[], events: readonly StoredEvent[]): Html {
  const marks = events.filter((e) => MARKED.has(e.kind));
  const times = [...observations.flatMap((o) => [o.firstSeen, o.lastSeen]), ...marks.map((e) => e.at)].map(Date.parse);
  if (times.length === 0) return html`<p class="none">Nothing observed yet.</p>`;
  // A loop, not Math.min(...times): spreading a long list overflows the call stack.
  const start = times.reduce((a, b) => Math.min(a, b));
  const span = Math.max(times.reduce((a, b) => Math.max(a, b)) - start, 1);
  const x = (time: string): number => LEFT + ((Date.parse(time) - start) / span) * (WIDTH - LEFT - RIGHT);
  const lanes = [...new Set(observations.map((o) => o.digest ?? "absent"))];
  const laneOf = new Map(lanes.map((digest, i) => [digest, i]));
  const y = (o: Observation): number => TOP + LANE * (laneOf.get(o.digest ?? "absent") ?? 0) + LANE / 2;
  const height = TOP + LANE * lanes.length + 24;
  return html`<svg class="timeline" role="img" aria-label="Timeline: ${observations.length} observations, ${lanes.length} digests" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<line class="axis" x1="${LEFT}" y1="${height - 20}" x2="${WIDTH - RIGHT}" y2="${height - 20}"/>
<text class="tick" x="${LEFT}" y="${height - 6}">${new Date(start).toISOString()}</text>
<text class="tick end" x="${WIDTH - RIGHT}" y="${height - 6}">${new Date(start + span).toISOString()}</text>
${lanes.map((digest, i) => html`<text class="lane" x="4" y="${TOP + LANE * i + LANE / 2 + 4}">${digest === "absent" ? "(tag absent)" : shortDigest(digest)}</text>`)}
${observations.slice(1).map((next, i) => step(observations[i] as Observation, next, x, y))}
${observations.map(
  (o) =>
    html`<g class="observation${o.digest === undefined ? " absent" : ""}"><title>${o.digest ?? "tag absent"}: ${o.firstSeen} … ${o.lastSeen}; ${o.platforms.length} platforms</title><line class="span" x1="${x(o.firstSeen).toFixed(1)}" y1="${y(o)}" x2="${Math.max(x(o.lastSeen), x(o.firstSeen) + 2).toFixed(1)}" y2="${y(o)}"/><circle class="point" cx="${x(o.firstSeen).toFixed(1)}" cy="${y(o)}" r="5"/></g>`,
)}
${marks.map(
  (e) =>
    html`<g class="mark mark-${e.kind}"><title>${e.kind} at ${e.at}</title><rect x="${(x(e.at) - 5).toFixed(1)}" y="8" width="10" height="10"/></g>`,
)}
</svg>`;
}

// A dashed step from one observation to the next: where the tag moved between two checks.
function step(
  previous: Observation,
  next: Observation,
  x: (time: string) => number,
  y: (o: Observation) => number,
): Html {
  return html`<path class="step" d="M${x(previous.lastSeen).toFixed(1)} ${y(previous)} H${x(next.firstSeen).toFixed(1)} V${y(next)}"/>`;
}
