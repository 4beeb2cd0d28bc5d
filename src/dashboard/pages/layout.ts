import { type Html, html } from "../html.js";

/**
 * The frame of every page: one stylesheet from this process, no scripts.
 *
 * @example
 * ```ts
 * page("Watched images", html`<p>…</p>`);
 * ```
 */
export function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · digestguard</title>
<link rel="stylesheet" href="/static/dashboard.css">
</head>
<body>
<header><a class="home" href="/">digestguard watch</a> <nav><a href="/fleet">fleet</a> <a href="/api/v1/openapi.json">API</a> <a href="/metrics">metrics</a></nav></header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`;
}

/**
 * A digest cut to its first 12 hex characters for tables; the full one is in the title and on the tag page.
 *
 * @example
 * ```ts
 * shortDigest("sha256:0123456789abcdef…"); // "sha256:0123456789ab"
 * ```
 */
export function shortDigest(digest: string | undefined): string {
  if (digest === undefined) return "(absent)";
  const [algorithm, hex = ""] = digest.split(":");
  return `${algorithm}:${hex.slice(0, 12)}`;
}

/**
 * The link to a tag's page.
 *
 * @example
 * ```ts
 * tagHref("127.0.0.1:5000/app:1"); // "/tags/127.0.0.1%3A5000%2Fapp%3A1"
 * ```
 */
export function tagHref(reference: string): string {
  return `/tags/${encodeURIComponent(reference)}`;
}

/**
 * What an event's detail says, as one line of text cut to 400 characters
 * (escaped where it is shown; the API has it whole).
 *
 * @example
 * ```ts
 * detailText({ code: "NETWORK", message: "Cannot reach…" }); // "NETWORK: Cannot reach…"
 * ```
 */
export function detailText(detail: Record<string, unknown> | undefined): string {
  if (detail === undefined) return "";
  if (typeof detail["message"] === "string")
    return cut(typeof detail["code"] === "string" ? `${detail["code"]}: ${detail["message"]}` : detail["message"]);
  return cut(JSON.stringify(detail));
}

/** Characters of a detail shown in a table: a registry's error text can run to 64 KiB, on every event. */
const DETAIL_SHOWN = 400;

function cut(text: string): string {
  return text.length <= DETAIL_SHOWN ? text : `${text.slice(0, DETAIL_SHOWN)}…`;
}
