import type { CheckReport } from "./run-check.js";
import { FINDING_RULES, type Finding } from "./finding.js";

/** Output formats of `check` (and `pin --check`). */
export type CheckFormat = "text" | "json" | "sarif" | "junit" | "github";

/** Options of {@link renderCheck}; `quiet` and `paint` concern the text format only. */
export interface RenderCheckOptions {
  version: string;
  /** Text: the findings only, no summary line (nothing at all when clean). */
  quiet?: boolean;
  /** Text: colours the severity (the CLI passes one that honours --color and NO_COLOR). */
  paint?: (style: "good" | "bad" | "warn" | "dim", text: string) => string;
}

/**
 * Render a check report in one of the CI formats: human text with a summary
 * line; JSON; SARIF 2.1.0 (code scanning shows findings on the Dockerfile
 * line); JUnit XML (one test case per image and per file finding); GitHub
 * workflow annotation commands.
 *
 * @example
 * ```ts
 * process.stdout.write(renderCheck(report, "sarif", { version: "0.1.0" }));
 * ```
 */
export function renderCheck(report: CheckReport, format: CheckFormat, options: RenderCheckOptions): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "sarif":
      return `${JSON.stringify(sarif(report, options.version), null, 2)}\n`;
    case "junit":
      return junit(report);
    case "github":
      return `${[...report.findings.map(githubCommand), `::notice title=digestguard check::${escapeData(summaryLine(report))}`].join("\n")}\n`;
    default:
      return text(report, options);
  }
}

function text(report: CheckReport, options: RenderCheckOptions): string {
  const paint = options.paint ?? ((_style, words) => words);
  const lines = report.findings.map(
    (f) => `${location(f)}: ${paint(f.severity === "error" ? "bad" : "warn", f.severity)} [${f.rule}] ${f.message}`,
  );
  if (!options.quiet) lines.push(...answeredLines(report), summaryLine(report));
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** One line with the counts. */
export function summaryLine(report: CheckReport): string {
  const s = report.summary;
  return `check: ${s.images} images — ${s.ok} ok, ${s.drift} drifted, ${s.missing} missing, ${s.contentMismatch} not verifying, ${s.couldNotCheck} could not be checked; ${s.fileFindings} file findings; ${s.errors} errors, ${s.warnings} warnings`;
}

// Who answered for each image: a mirror can be stale, so the reader must be able to tell.
function answeredLines(report: CheckReport): string[] {
  return report.images
    .filter((i) => i.source !== undefined)
    .map((i) => {
      const origin = i.origin !== undefined ? `; origin ${i.origin.source} asked too` : "";
      return `${i.reference}: answered by ${i.mirror ? "mirror " : ""}${i.source}${origin}`;
    });
}

function location(f: Finding): string {
  return f.line !== undefined ? `${f.file}:${f.line}` : f.file;
}

function sarif(report: CheckReport, version: string): object {
  const rules = Object.entries(FINDING_RULES).map(([id, text]) => ({ id, shortDescription: { text } }));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "digestguard", version, rules } },
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          level: f.severity,
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file.replace(/\\/g, "/").replace(/^\.\//, "") },
                ...(f.line !== undefined ? { region: { startLine: f.line } } : {}),
              },
            },
          ],
        })),
      },
    ],
  };
}

function junit(report: CheckReport): string {
  const cases: string[] = [];
  for (const image of report.images) {
    const failures = report.findings.filter(
      (f) =>
        f.reference === image.reference &&
        f.severity === "error" &&
        f.rule !== "unpinned" &&
        f.rule !== "not-locked" &&
        f.rule !== "differs-from-lock",
    );
    cases.push(testCase("images", image.reference, failures));
  }
  for (const f of report.findings.filter((f) =>
    ["unpinned", "not-locked", "differs-from-lock", "cannot-pin"].includes(f.rule),
  )) {
    cases.push(testCase("files", `${location(f)} ${f.reference ?? ""}`.trim(), f.severity === "error" ? [f] : []));
  }
  const failures = cases.filter((c) => c.includes("<failure")).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="digestguard check" tests="${cases.length}" failures="${failures}">\n  <testsuite name="digestguard check" tests="${cases.length}" failures="${failures}">\n${cases.join("\n")}\n  </testsuite>\n</testsuites>\n`;
}

function testCase(classname: string, name: string, failures: Finding[]): string {
  const open = `    <testcase classname="${xml(classname)}" name="${xml(name)}"`;
  if (failures.length === 0) return `${open}/>`;
  const body = failures
    .map(
      (f) =>
        `      <failure type="${xml(f.rule)}" message="${xml(f.message)}">${xml(`${location(f)}: ${f.message}`)}</failure>`,
    )
    .join("\n");
  return `${open}>\n${body}\n    </testcase>`;
}

function xml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

function githubCommand(f: Finding): string {
  const command = f.severity === "error" ? "error" : f.severity === "warning" ? "warning" : "notice";
  const props = [
    `file=${escapeProperty(f.file)}`,
    ...(f.line !== undefined ? [`line=${f.line}`] : []),
    `title=${escapeProperty(`digestguard ${f.rule}`)}`,
  ];
  return `::${command} ${props.join(",")}::${escapeData(f.message)}`;
}

// The workflow-command escaping GitHub's runner expects.
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
