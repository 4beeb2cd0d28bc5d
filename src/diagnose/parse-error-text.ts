import { EMPTY_SHA256, isDigest, type Digest } from "../oci/digest.js";
import {
  SHAPE_PRIORITY,
  type ErrorTool,
  type ParsedErrorMatch,
  type ParsedErrorText,
  type RefKind,
  type ShapePattern,
} from "./error-shapes.js";
import { SHAPE_PATTERNS } from "./error-shapes-patterns.js";
import { cleanErrorText, lineIndexAt, spannedLine, type CleanText } from "./parse-error-text-clean.js";
import { imageReferenceNear, readContext, type TextContext } from "./parse-error-text-context.js";
import { digestInUrl, kindFromWords } from "./read-blob-facts.js";

export type { ErrorShape, ErrorTool, ParsedErrorMatch, ParsedErrorText, RefKind } from "./error-shapes.js";

/**
 * Recognise a pull or build failure in pasted output of docker build,
 * BuildKit, containerd (ctr, nerdctl), dockerd, podman, buildah, skopeo or
 * crane, and read the digests, sizes, blob kind and image it names. Pure:
 * no I/O. Copes with colours, BuildKit `#12` framing and progress lines,
 * lines wrapped anywhere (even inside a digest), CRLF, JSON-escaped log
 * lines, gRPC and `commit failed:` wrappers. When the text holds several
 * distinct errors, all are in `allMatches` (text order) and the most
 * telling one is the result itself; a text with none has shape "unknown".
 *
 * @example
 * ```ts
 * const parsed = parseErrorText(
 *   'failed commit on ref "layer-sha256:98d1…": unexpected commit digest sha256:327a…, expected sha256:98d1…: failed precondition',
 * );
 * parsed.shape;   // "commit-digest-mismatch"
 * parsed.refKind; // "layer"
 * parsed.actual;  // "sha256:327a…" (what the bytes hashed to)
 * ```
 */
export function parseErrorText(text: string): ParsedErrorText {
  const clean = cleanErrorText(text);
  const context = readContext(clean);
  const matches = findMatches(clean, context);
  // The most telling shape; within it, a match that names the digest beats one that does not.
  const primary = [...matches].sort(
    (a, b) =>
      SHAPE_PRIORITY.indexOf(a.shape) - SHAPE_PRIORITY.indexOf(b.shape) ||
      Number(b.expected !== undefined) - Number(a.expected !== undefined),
  )[0];
  if (primary !== undefined) return { ...primary, allMatches: matches };
  const imageReference = imageReferenceNear(clean, -1);
  return {
    shape: "unknown",
    tool: context.tool,
    ...(imageReference === undefined ? {} : { imageReference }),
    matchedLine: lastErrorLine(clean),
    allMatches: [],
  };
}

interface Found {
  start: number;
  end: number;
  pattern: ShapePattern;
  groups: Record<string, string | undefined>;
  digestSpans: Array<[number, number]>;
}

function findMatches(clean: CleanText, context: TextContext): ParsedErrorMatch[] {
  const found: Found[] = [];
  // Intervals already taken, per shape, sorted by start: a log repeating one error
  // thousands of times must not cost a scan of every earlier match per match.
  const taken = new Map<string, Array<[number, number]>>();
  for (const pattern of SHAPE_PATTERNS) {
    const intervals = taken.get(pattern.shape) ?? [];
    const fromEarlierPatterns = [...intervals];
    for (const match of clean.joined.matchAll(pattern.pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      // A wording that overlaps an earlier (more specific) one of the same shape says nothing new.
      if (match[0] === "" || overlaps(fromEarlierPatterns, start, end)) continue;
      const spans = Object.values(match.indices?.groups ?? {}).filter(
        (span): span is [number, number] => span !== undefined,
      );
      intervals.push([start, end]);
      found.push({ start, end, pattern, groups: { ...match.groups }, digestSpans: spans });
    }
    taken.set(
      pattern.shape,
      intervals.sort((a, b) => a[0] - b[0]),
    );
  }
  found.sort((a, b) => a.start - b.start);
  const seen = new Set<string>();
  const matches: ParsedErrorMatch[] = [];
  for (const f of found) {
    // The same error on a line that differs only by its timestamp, repeated by retries, is one error: skip it before any per-match work.
    const line = clean.lines[lineIndexAt(clean, f.start)] ?? "";
    const raw = `${f.pattern.shape}\u0000${clean.joined.slice(f.start, f.end)}\u0000${line.replace(CLOCK, "")}`;
    if (seen.has(raw)) continue;
    seen.add(raw);
    const match = toMatch(f, clean, context);
    const { matchedLine: _line, tool: _tool, ...facts } = match;
    const key = JSON.stringify(facts);
    if (seen.has(key)) continue; // BuildKit prints the same error twice: in the step and in the summary.
    seen.add(key);
    matches.push(match);
  }
  return matches;
}

// Times of day and ISO timestamps inside log lines (logfmt time="…", journald prefixes).
const CLOCK = /\d{4}-\d{2}-\d{2}[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?|\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?/g;

/** Whether [start, end) overlaps one of the sorted intervals (binary search on starts). */
function overlaps(sorted: ReadonlyArray<readonly [number, number]>, start: number, end: number): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as readonly [number, number])[0] < end) low = middle + 1;
    else high = middle;
  }
  // Intervals of one pattern do not overlap each other, so only the nearest few can reach [start, end).
  for (let i = low - 1; i >= 0 && i >= low - 8; i -= 1)
    if ((sorted[i] as readonly [number, number])[1] > start) return true;
  return false;
}

function toMatch(f: Found, clean: CleanText, context: TextContext): ParsedErrorMatch {
  const { groups, pattern } = f;
  const ingest = /^(?:(layer|config|manifest|index|unknown)-)?(.*)$/.exec(groups.ref ?? "");
  const refDigest = ingest?.[2] !== undefined && isDigest(ingest[2]) ? ingest[2] : undefined;
  const lineIndex = lineIndexAt(clean, f.start);
  const matchedLine = spannedLine(clean, f, f.digestSpans);
  const inUrl = digestInUrl(matchedLine);
  const imageReference = groups.reference ?? imageReferenceNear(clean, lineIndex);
  const expected =
    digestOr(groups.expected) ?? refDigest ?? inUrl?.digest ?? manifestDigestOf(pattern, groups, imageReference);
  const namedDiffId = digestOr(groups.calculated);
  const actual = bareHexAsDigest(groups.actual, expected);
  const refKind: RefKind | undefined =
    groups.ref !== undefined
      ? ((ingest?.[1] as RefKind | undefined) ?? "unknown")
      : groups.kind !== undefined
        ? kindOfWords(groups.kind)
        : groups.media !== undefined
          ? kindOfMediaType(groups.media)
          : pattern.shape === "diff-id-mismatch"
            ? "layer"
            : ((expected !== undefined
                ? (context.copyKinds.get(expected) ??
                  context.copyKinds.get(`short:${expected.split(":")[1]?.slice(0, 10)}`))
                : undefined) ??
              (inUrl?.manifest ? "manifest" : undefined) ??
              kindFromWords(matchedLine));
  const tool = toolOf(pattern, context);
  return {
    shape: pattern.shape,
    tool,
    ...(expected === undefined ? {} : { expected }),
    ...(actual === undefined ? {} : { actual, actualIsEmpty: actual === EMPTY_SHA256 }),
    ...(refKind === undefined ? {} : { refKind }),
    ...(groups.expectedSize === undefined ? {} : { expectedSize: Number(groups.expectedSize) }),
    ...(groups.actualSize === undefined ? {} : { actualSize: Number(groups.actualSize) }),
    ...(namedDiffId === undefined ? {} : { namedDiffId }),
    ...(imageReference === undefined ? {} : { imageReference }),
    matchedLine,
  };
}

/** "Digest of source image's manifest would not match": the digest the pulled reference pins is the one expected. */
function manifestDigestOf(
  pattern: ShapePattern,
  groups: Record<string, string | undefined>,
  imageReference: string | undefined,
): Digest | undefined {
  if (pattern.shape !== "digest-did-not-match" || groups.kind !== "manifest") return undefined;
  return digestOr(/@(sha256:[a-f0-9]{64})$/.exec(imageReference ?? "")?.[1]);
}

function kindOfWords(words: string): RefKind {
  if (/layer/i.test(words)) return "layer";
  return /manifest/i.test(words) ? "manifest" : "config";
}

/**
 * The wording's own tool, except that containerd's words in BuildKit
 * output are BuildKit's (it vendors containerd's content store); a
 * wording every tool shares takes the tool of the output's framing.
 */
function toolOf(pattern: ShapePattern, context: TextContext): ErrorTool {
  if (pattern.tool === "containerd") return context.tool === "buildkit" ? "buildkit" : "containerd";
  return pattern.tool ?? context.tool;
}

function digestOr(text: string | undefined): Digest | undefined {
  return text !== undefined && isDigest(text) ? text : undefined;
}

/** go-containerregistry's older "got" is bare hex; it is in the algorithm of "want". */
function bareHexAsDigest(text: string | undefined, expected: Digest | undefined): Digest | undefined {
  if (text === undefined || text.includes(":")) return digestOr(text);
  return digestOr(`${expected?.split(":")[0] ?? (text.length === 128 ? "sha512" : "sha256")}:${text}`);
}

function kindOfMediaType(mediaType: string): RefKind {
  if (/index|manifest\.list/.test(mediaType)) return "index";
  if (/manifest/.test(mediaType)) return "manifest";
  if (/config/.test(mediaType)) return "config";
  return /layer|rootfs/.test(mediaType) ? "layer" : "unknown";
}

/** For an unrecognised text, the line a person would point at: the last that says it failed. */
function lastErrorLine(clean: CleanText): string {
  const lines = clean.lines.filter((line) => line !== "");
  return (
    [...lines].reverse().find((line) => /error|failed|fatal|denied|cannot|unable/i.test(line)) ?? lines.at(-1) ?? ""
  );
}
