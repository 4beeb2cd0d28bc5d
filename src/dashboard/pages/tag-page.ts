import type { TagHistory } from "../dashboard-data.js";
import { type Html, html } from "../html.js";
import { eventTable } from "./index-page.js";
import { page } from "./layout.js";
import { timelineChart } from "./timeline-chart.js";

/** Observations listed on a tag's page, newest last. */
const OBSERVATIONS_SHOWN = 500;
/** Observations drawn in its chart: more would not be readable. */
const CHARTED = 100;

/**
 * A tag's page: the timeline chart, the platforms of what it points to now,
 * the `pin --update` command for a reviewed move, every observation and event.
 *
 * @example
 * ```ts
 * tagPage(await tagHistory(source, "127.0.0.1:5000/app:1")).text;
 * ```
 */
export function tagPage(history: TagHistory): Html {
  const latest = history.observations.at(-1);
  // A registry can move a tag at every check: the page shows the newest observations, the API has them all.
  const shown = history.observations.slice(-OBSERVATIONS_SHOWN);
  return page(
    history.reference,
    html`<p>Now: <code class="digest">${latest?.digest ?? "(tag absent)"}</code>${latest ? html` since ${latest.firstSeen}, last seen ${latest.lastSeen}` : ""}</p>
${history.checkedBy === undefined ? "" : html`<p>Checked last by <span class="worker">${history.checkedBy}</span> at ${history.checkedAt ?? ""}</p>\n`}${history.pins.length > 0 ? html`<p>Pinned in the lockfile: ${history.pins.map((p) => html`<code>${p}</code> `)}</p>` : ""}
<h2>Timeline</h2>
${timelineChart(shown.slice(-CHARTED), history.events)}
<h2>Platforms</h2>
${
  latest === undefined || latest.platforms.length === 0
    ? html`<p class="none">A single manifest (no index), or nothing seen.</p>`
    : html`<table class="platforms"><thead><tr><th>Platform</th><th>Digest</th></tr></thead><tbody>
${latest.platforms.map((p) => html`<tr><td>${p.platform}</td><td><code>${p.digest}</code></td></tr>\n`)}</tbody></table>`
}
<h2>Move the pin</h2>
<p>After reviewing the change, in the project that pins this tag:</p>
<pre class="command"><code id="pin-command">${pinUpdateCommand(history.reference)}</code></pre>
<h2>Observations</h2>
${shown.length < history.observations.length ? html`<p class="count">The newest ${shown.length} of ${history.observations.length} observations; the API has them all.</p>` : ""}
<table class="observations"><thead><tr><th>First seen</th><th>Last seen</th><th>Digest</th><th>Platforms</th></tr></thead><tbody>
${shown.map(
  (o) =>
    html`<tr><td>${o.firstSeen}</td><td>${o.lastSeen}</td><td><code>${o.digest ?? "(tag absent)"}</code></td><td>${o.platforms.map((p) => p.platform).join(", ")}</td></tr>\n`,
)}</tbody></table>
<h2>Events</h2>
${eventTable(history.events)}`,
  );
}

/**
 * The command that moves a project's pin of `reference` to what the tag
 * names now: `pin --update` re-resolves the tags `--image` selects.
 *
 * @example
 * ```ts
 * pinUpdateCommand("docker.io/library/alpine:3.19"); // "dg pin --update --image 'docker.io/library/alpine:3.19'"
 * ```
 */
export function pinUpdateCommand(reference: string): string {
  return `dg pin --update --image '${reference.replace(/'/g, `'\\''`)}'`;
}
