import { EMPTY_SHA256, isDigest, type Digest } from "../oci/digest.js";
import { SHAPE_PRIORITY, type ErrorTool, type ParsedErrorMatch, type ParsedErrorText, type RefKind, type ShapePattern } from "./error-shapes.js";
import { SHAPE_PATTERNS } from "./error-shapes-patterns.js";
import { cleanErrorText, lineIndexAt, spannedLine, type CleanText } from "./parse-error-text-clean.js";
import { imageReferenceNear, readContext, type TextContext } from "./parse-error-text-context.js";

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
  const primary = [...matches].sort((a, b) => SHAPE_PRIORITY.indexOf(a.shape) - SHAPE_PRIORITY.indexOf(b.shape))[0];
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
  for (const pattern of SHAPE_PATTERNS) {
    for (const match of clean.joined.matchAll(pattern.pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      // A wording that overlaps an earlier (more specific) one of the same shape says nothing new.
      if (match[0] === "" || found.some((f) => f.pattern.shape === pattern.shape && f.start < end && start < f.end)) continue;
      const spans = Object.values(match.indices?.groups ?? {}).filter((span): span is [number, number] => span !== undefined);
      found.push({ start, end, pattern, groups: { ...match.groups }, digestSpans: spans });
    }
  }
  found.sort((a, b) => a.start - b.start);
  const seen = new Set<string>();
  const matches: ParsedErrorMatch[] = [];
  for (const f of found) {
    const match = toMatch(f, clean, context);
    const { matchedLine: _line, tool: _tool, ...facts } = match;
    const key = JSON.stringify(facts);
    if (seen.has(key)) continue; // BuildKit prints the same error twice: in the step and in the summary.
    seen.add(key);
    matches.push(match);
  }
  return matches;
}

function toMatch(f: Found, clean: CleanText, context: TextContext): ParsedErrorMatch {
  const { groups, pattern } = f;
  const ingest = /^(?:(layer|config|manifest|index)-)?(.*)$/.exec(groups.ref ?? "");
  const refDigest = ingest?.[2] !== undefined && isDigest(ingest[2]) ? ingest[2] : undefined;
  const expected = digestOr(groups.expected) ?? refDigest;
  const namedDiffId = digestOr(groups.calculated);
  const actual = bareHexAsDigest(groups.actual, expected);
  const refKind: RefKind | undefined =
    groups.ref !== undefined ? ((ingest?.[1] as RefKind | undefined) ?? "unknown")
    : groups.kind !== undefined ? (/layer/i.test(groups.kind) ? "layer" : "config")
    : groups.media !== undefined ? kindOfMediaType(groups.media)
    : pattern.shape === "diff-id-mismatch" ? "layer"
    : expected !== undefined ? context.copyKinds.get(expected)
    : undefined;
  const lineIndex = lineIndexAt(clean, f.start);
  const imageReference = groups.reference ?? imageReferenceNear(clean, lineIndex);
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
    matchedLine: spannedLine(clean, f, f.digestSpans),
  };
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
  return [...lines].reverse().find((line) => /error|failed|fatal|denied|cannot|unable/i.test(line)) ?? lines.at(-1) ?? "";
}
