import type { FleetWorker } from "../fleet-data.js";
import { type Html, html } from "../html.js";
import { page } from "./layout.js";

/**
 * The fleet: every worker sharing the history, with its newest check and how
 * many references it was the last to check.
 *
 * @example
 * ```ts
 * fleetPage(await fleetWorkers(history)).text;
 * ```
 */
export function fleetPage(workers: readonly FleetWorker[]): Html {
  return page(
    "Fleet",
    html`<p class="count">${workers.length} worker${workers.length === 1 ? "" : "s"}</p>
${
  workers.length === 0
    ? html`<p class="none">No worker has recorded a check yet (workers are named when watch runs on a shared database).</p>`
    : html`<table class="fleet">
<thead><tr><th>Worker</th><th>Last check</th><th>Tags it checked last</th></tr></thead>
<tbody>
${workers.map((w) => html`<tr><td class="worker">${w.worker}</td><td>${w.lastCheckAt}</td><td>${w.checks}</td></tr>\n`)}</tbody>
</table>`
}`,
  );
}
