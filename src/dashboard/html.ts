/** Markup that is already safe: built by {@link html}, never from raw input. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * The one escaping function of the dashboard: text to HTML that shows the
 * text, safe in element content and in quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<script>alert("x")</script>'); // "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

type Interpolated = Html | string | number | undefined | null | false | readonly Interpolated[];

/**
 * A template tag that escapes every interpolated value with
 * {@link escapeHtml}, except {@link Html} built by this tag itself; arrays
 * are joined, and `undefined`/`null`/`false` render as nothing. Pages are
 * made only with it, so no name, digest, annotation or error text can add markup.
 *
 * @example
 * ```ts
 * html`<td>${reference}</td>`.text; // reference escaped
 * html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let out = strings[0] ?? "";
  for (const [i, value] of values.entries()) out += render(value) + (strings[i + 1] ?? "");
  return new Html(out);
}

function render(value: Interpolated): string {
  if (value === undefined || value === null || value === false) return "";
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}
