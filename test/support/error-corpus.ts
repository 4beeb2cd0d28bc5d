// Loads test/fixtures/error-corpus (texts users pasted in public issue
// threads, with what a careful reader takes from each) and scores a reading
// of them: the figures the diagnose issue sets targets for.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseReference } from "../../src/oci/reference.js";

const FOLDER = fileURLToPath(new URL("../../../test/fixtures/error-corpus/", import.meta.url));

/** What the sidecar says a careful reader takes from the text. */
export interface CorpusExpectation {
  source: string;
  shape: string;
  tool?: string;
  expected?: string;
  actual?: string;
  namedDiffId?: string;
  expectedSize?: number;
  actualSize?: number;
  refKind?: string;
  imageReference?: string;
  causeFamily: string;
  integrity?: boolean;
}

/** One corpus text and its expectation. */
export interface CorpusText {
  name: string;
  text: string;
  expect: CorpusExpectation;
}

/** The parts of a reading that are scored. */
export interface CorpusReading {
  shape: string;
  expected?: string;
  actual?: string;
  namedDiffId?: string;
  refKind?: string;
  imageReference?: string;
  /** The verdict's explanation and next steps, for non-integrity texts. */
  verdict: { explanation: string; nextSteps: string[] };
}

/** One figure: how many texts passed out of how many it applies to, and which failed. */
export interface CorpusFigure {
  label: string;
  passed: number;
  total: number;
  failures: string[];
}

/** Every corpus text, in name order. */
export function loadErrorCorpus(): CorpusText[] {
  return readdirSync(FOLDER)
    .filter((name) => name.endsWith(".txt"))
    .sort()
    .map((name) => ({
      name: name.replace(/\.txt$/, ""),
      text: readFileSync(`${FOLDER}${name}`, "utf8"),
      expect: JSON.parse(
        readFileSync(`${FOLDER}${name.replace(/\.txt$/, ".expected.json")}`, "utf8"),
      ) as CorpusExpectation,
    }));
}

const DIGEST_FIELDS = ["expected", "actual", "namedDiffId"] as const;

/**
 * Score readings of the corpus: shape, full digests where the text has one,
 * blob kind where the text says it, image where the text names one, digests
 * invented (in the reading, not in the text), and non-integrity texts said
 * to be so without pin advice.
 */
export function scoreErrorCorpus(corpus: CorpusText[], read: (text: string) => CorpusReading): CorpusFigure[] {
  const figures = {
    shape: figure("shape recognised"),
    digests: figure("full digests, where the text has one"),
    kind: figure("blob kind, where the text says it"),
    image: figure("image, where the text names one"),
    invented: figure("texts with no invented digest"),
    honest: figure("non-integrity texts called so, without pin advice"),
  };
  for (const { name, text, expect } of corpus) {
    const reading = read(text);
    tally(figures.shape, name, reading.shape === expect.shape, `${reading.shape} ≠ ${expect.shape}`);
    if (DIGEST_FIELDS.some((field) => expect[field] !== undefined)) {
      const wrong = DIGEST_FIELDS.filter((field) => reading[field] !== expect[field]);
      tally(figures.digests, name, wrong.length === 0, wrong.map((f) => `${f} ${reading[f] ?? "(none)"}`).join(", "));
    }
    if (expect.refKind !== undefined)
      tally(figures.kind, name, reading.refKind === expect.refKind, `${reading.refKind ?? "(none)"}`);
    if (expect.imageReference !== undefined) {
      tally(
        figures.image,
        name,
        sameImage(reading.imageReference, expect.imageReference),
        `${reading.imageReference ?? "(none)"}`,
      );
    }
    const flat = text.replace(/\s+/g, "");
    const invented = DIGEST_FIELDS.map((f) => reading[f]).filter(
      (d): d is string => d !== undefined && !flat.includes(d.split(":")[1] ?? d),
    );
    tally(figures.invented, name, invented.length === 0, invented.join(", "));
    if (expect.integrity === false) {
      const honest =
        /not a content-integrity error/i.test(reading.verdict.explanation) &&
        !reading.verdict.nextSteps.some((s) => /digest pin/i.test(s));
      tally(figures.honest, name, honest, reading.verdict.explanation.slice(0, 80));
    }
  }
  return Object.values(figures);
}

/** The figures as a Markdown table. */
export function corpusTable(figures: CorpusFigure[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.label} | ${f.passed}/${f.total} | ${f.total === 0 ? "–" : `${((100 * f.passed) / f.total).toFixed(1)} %`} |`,
  );
  return ["| figure | texts | share |", "| --- | --- | --- |", ...rows].join("\n");
}

function figure(label: string): CorpusFigure {
  return { label, passed: 0, total: 0, failures: [] };
}

function tally(f: CorpusFigure, name: string, ok: boolean, why: string): void {
  f.total += 1;
  if (ok) f.passed += 1;
  else f.failures.push(`${name}: ${why}`);
}

/** Same image once normalised: Docker Hub names, `library/`, and a missing tag meaning latest. */
function sameImage(read: string | undefined, expected: string): boolean {
  if (read === undefined) return false;
  try {
    const a = parseReference(read);
    const b = parseReference(expected);
    return a.registry === b.registry && a.repository === b.repository && a.tag === b.tag && a.digest === b.digest;
  } catch {
    return false;
  }
}
