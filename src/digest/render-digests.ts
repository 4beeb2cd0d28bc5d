import type { DigestResult } from "./resolve-digests.js";

/**
 * One line per reference: digest, the reference, which digest it is, and
 * the host that answered (`from mirror HOST` when a mirror did).
 * Failures go to their own lines, prefixed `error`, naming the code. With
 * `quiet` only the digests are printed (failures are left to
 * {@link renderDigestErrors}, for stderr), so stdout can be piped as is.
 *
 * @example
 * ```ts
 * process.stdout.write(renderDigests(results));
 * ```
 */
export function renderDigests(results: DigestResult[], options: { quiet?: boolean } = {}): string {
  return lines(
    results
      .filter((r) => !(options.quiet && r.error !== undefined))
      .map((r) => {
        if (r.error !== undefined) return errorLine(r);
        if (options.quiet) return r.digest as string;
        const what =
          r.kind === "platform-image"
            ? `${r.platform} manifest (from index ${r.indexDigest})`
            : r.kind === "index"
              ? "index (multi-platform)"
              : "image manifest";
        const from = r.source === undefined ? "" : `  from ${r.mirror ? "mirror " : ""}${r.source}`;
        return `${r.digest}  ${r.reference}  ${what}${from}${r.note ? ` — ${r.note}` : ""}`;
      }),
  );
}

/**
 * The failure lines alone, as `renderDigests` would print them; `digest -q`
 * writes these to stderr.
 *
 * @example
 * ```ts
 * process.stderr.write(renderDigestErrors(results));
 * ```
 */
export function renderDigestErrors(results: DigestResult[]): string {
  return lines(results.filter((r) => r.error !== undefined).map(errorLine));
}

function errorLine(r: DigestResult): string {
  return `error  ${r.input}  ${r.error?.code}: ${r.error?.message}`;
}

function lines(items: string[]): string {
  return items.length > 0 ? `${items.join("\n")}\n` : "";
}
