import type { Alternative } from "./alternative.js";
import type { DiagnoseReport } from "./diagnose.js";

const KIND: Record<Alternative["kind"], string> = {
  "previous-digest": "earlier pin",
  "other-tag": "other tag",
  mirror: "mirror",
  cache: "cache",
};

/**
 * The "Ways forward" lines of the text diagnosis: what verified and helps,
 * numbered, then what was checked and does not help, then what could not be
 * searched. Empty when alternatives were not asked for.
 *
 * @example
 * ```ts
 * lines.push(...waysForwardLines(report));
 * ```
 */
export function waysForwardLines(report: DiagnoseReport): string[] {
  if (report.alternatives === undefined) return [];
  const helps = report.alternatives.filter((a) => a.helps);
  const not = report.alternatives.filter((a) => !a.helps);
  const lines = ["", "Ways forward (each verified now; keep the pin and build from one of these):"];
  if (helps.length === 0) lines.push("  none verified: no other copy or earlier pin was proven intact");
  helps.forEach((a, i) =>
    lines.push(`  ${i + 1}. ${KIND[a.kind]}: ${a.reference}`, `     ${a.detail}${a.from ? ` [${a.from}]` : ""}`),
  );
  if (not.length > 0) lines.push("  Checked, not offered:");
  for (const a of not)
    lines.push(`  - ${KIND[a.kind]}: ${a.reference}`, `     ${a.detail}${a.from ? ` [${a.from}]` : ""}`);
  for (const note of report.alternativesNotes ?? []) lines.push(`  (${note})`);
  return lines;
}

/**
 * The "Ways forward" section of the Markdown report: one table row per
 * alternative checked, and what could not be searched. Empty when
 * alternatives were not asked for.
 *
 * @example
 * ```ts
 * markdown.push(...waysForwardMarkdown(report));
 * ```
 */
export function waysForwardMarkdown(report: DiagnoseReport): string[] {
  if (report.alternatives === undefined) return [];
  const rows = report.alternatives.map(
    (a) =>
      `| ${a.helps ? "yes" : "no"} | ${KIND[a.kind]} | \`${a.reference}\` | ${a.detail}${a.from ? `; ${a.from}` : ""} |`,
  );
  return [
    "## Ways forward",
    "",
    "Each was verified now; keep the digest pin and build from one that helps.",
    "",
    "| helps | kind | reference | verified |",
    "| --- | --- | --- | --- |",
    ...(rows.length > 0 ? rows : ["| – | – | – | nothing to offer |"]),
    "",
    ...(report.alternativesNotes ?? []).map((n) => `- ${n}`),
    ...((report.alternativesNotes ?? []).length > 0 ? [""] : []),
  ];
}
