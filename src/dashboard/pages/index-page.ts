import type { StoredEvent } from "../../history/history-store.js";
import { type ImageFilters, type ImageRow, EVENT_KINDS } from "../dashboard-data.js";
import { type Html, html } from "../html.js";
import { IMAGE_STATUSES } from "../image-status.js";
import { detailText, page, shortDigest, tagHref } from "./layout.js";

/** What the index page shows. */
export interface IndexView {
  rows: ImageRow[];
  registries: string[];
  filters: ImageFilters;
  recent: StoredEvent[];
}

/**
 * The index: filters (a plain GET form), the watched images, recent events.
 *
 * @example
 * ```ts
 * indexPage({ rows, registries: ["docker.io"], filters: {}, recent }).text;
 * ```
 */
export function indexPage(view: IndexView): Html {
  return page(
    "Watched images",
    html`${filterForm(view)}
<p class="count">${view.rows.length} image${view.rows.length === 1 ? "" : "s"}</p>
<table class="images">
<thead><tr><th>Reference</th><th>Digest</th><th>Platforms</th><th>Last check</th><th>Checked by</th><th>Status</th><th>Last event</th></tr></thead>
<tbody>
${view.rows.map(imageRow)}</tbody>
</table>
<h2>Recent events</h2>
${eventTable(view.recent)}`,
  );
}

function imageRow(row: ImageRow): Html {
  return html`<tr><td><a href="${tagHref(row.reference)}">${row.reference}</a></td><td><code>${shortDigest(row.digest)}</code></td><td>${row.platforms}</td><td>${row.lastChecked ?? "never"}</td><td class="worker">${row.checkedBy ?? ""}</td><td class="status status-${row.status}">${row.status}</td><td>${row.lastEvent ? html`<span class="kind">${row.lastEvent.kind}</span> ${row.lastEvent.at}` : ""}</td></tr>
`;
}

/**
 * A table of events with their details shown as text.
 *
 * @example
 * ```ts
 * eventTable(await history.events({ limit: 20 }));
 * ```
 */
export function eventTable(events: readonly StoredEvent[]): Html {
  if (events.length === 0) return html`<p class="none">No events.</p>`;
  return html`<table class="events">
<thead><tr><th>When</th><th>Kind</th><th>Reference</th><th>From</th><th>To</th><th>Detail</th></tr></thead>
<tbody>
${events.map(
  (e) =>
    html`<tr><td>${e.at}</td><td class="kind">${e.kind}</td><td><a href="${tagHref(e.reference)}">${e.reference}</a></td><td><code>${e.from ? shortDigest(e.from) : ""}</code></td><td><code>${e.to ? shortDigest(e.to) : ""}</code></td><td class="detail">${detailText(e.detail)}</td></tr>
`,
)}</tbody>
</table>`;
}

function filterForm({ registries, filters }: IndexView): Html {
  const options = (values: readonly string[], chosen: string | undefined) => [
    html`<option value="">any</option>`,
    ...values.map((v) => html`<option value="${v}"${v === chosen ? html` selected` : ""}>${v}</option>`),
  ];
  return html`<form class="filters" method="get" action="/">
<label>Registry <select name="registry">${options(registries, filters.registry)}</select></label>
<label>Status <select name="status">${options(IMAGE_STATUSES, filters.status)}</select></label>
<label>Event kind <select name="kind">${options(EVENT_KINDS, filters.kind)}</select></label>
<button type="submit">Filter</button>
</form>`;
}
