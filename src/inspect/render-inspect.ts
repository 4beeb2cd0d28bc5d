import type { InspectReport, ReportDescriptor } from "./inspect-image.js";

/**
 * Render an inspect report for a terminal: aligned fields, one line per
 * platform or layer, full digests (never shortened: they get copied).
 *
 * @example
 * ```ts
 * process.stdout.write(renderInspect(report));
 * ```
 */
export function renderInspect(report: InspectReport): string {
  const lines = [
    `Name:        ${report.reference}`,
    `Kind:        ${report.kind === "index" ? "index (multi-platform)" : "image manifest"}`,
    `MediaType:   ${report.mediaType}`,
    `Digest:      ${report.digest}`,
    `Size:        ${report.size}`,
  ];
  if (report.source !== undefined) lines.push(`Source:      ${report.source}${report.mirror ? " (mirror)" : ""}`);
  if (report.index !== undefined)
    lines.push(`Index:       ${report.index.digest} (platform ${report.platform ?? "?"} selected)`);
  if (report.artifactType !== undefined) lines.push(`Artifact:    ${report.artifactType}`);
  if (report.subject !== undefined) lines.push(`Subject:     ${report.subject.digest}`);
  if (report.manifests !== undefined) {
    lines.push("", "Manifests:");
    const width = Math.max(8, ...report.manifests.map((m) => (m.platform ?? "-").length));
    for (const m of report.manifests) {
      const label = m.attestation ? "attestation" : (m.platform ?? "-");
      lines.push(`  ${label.padEnd(width)}  ${m.digest}  ${String(m.size).padStart(8)}  ${m.mediaType}`);
    }
  }
  if (report.config !== undefined) lines.push("", `Config:      ${describe(report.config)}`);
  if (report.layers !== undefined) {
    lines.push("", `Layers (${report.layers.length}):`);
    report.layers.forEach((layer, i) =>
      lines.push(`  ${String(i).padStart(2)}  ${layer.digest}  ${String(layer.size).padStart(10)}  ${layer.mediaType}`),
    );
  }
  return `${lines.join("\n")}\n`;
}

function describe(d: ReportDescriptor): string {
  return `${d.digest}  ${d.size} bytes  ${d.mediaType}`;
}
