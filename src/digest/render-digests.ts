import type { DigestResult } from "./resolve-digests.js";

/**
 * One line per reference: digest, the reference, which digest it is, and
 * the host that answered (`from mirror HOST` when a mirror did).
 * Failures go to their own lines, prefixed `error`, naming the code.
 *
 * @example
 * ```ts
 * process.stdout.write(renderDigests(results));
 * ```
 */
export function renderDigests(results: DigestResult[], options: { quiet?: boolean } = {}): string {
  return results
    .map((r) => {
      if (r.error !== undefined) return `error  ${r.input}  ${r.error.code}: ${r.error.message}`;
      if (options.quiet) return r.digest as string;
      const what = r.kind === "platform-image"
        ? `${r.platform} manifest (from index ${r.indexDigest})`
        : r.kind === "index" ? "index (multi-platform)" : "image manifest";
      const from = r.source === undefined ? "" : `  from ${r.mirror ? "mirror " : ""}${r.source}`;
      return `${r.digest}  ${r.reference}  ${what}${from}${r.note ? ` — ${r.note}` : ""}`;
    })
    .join("\n")
    .concat(results.length > 0 ? "\n" : "");
}
