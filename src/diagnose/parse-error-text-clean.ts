/** Pasted tool output made matchable; see {@link cleanErrorText}. */
export interface CleanText {
  /** Lines as a person reads them: colours, carriage returns, JSON escapes and CI timestamps removed, trimmed. */
  lines: string[];
  /** The same lines untrimmed, for rejoining what a terminal cut at its width. */
  raw: string[];
  /** Every line without BuildKit's `#12 ` framing, concatenated with no separator at all. */
  joined: string;
  /** Offset in `joined` where each line starts. */
  starts: number[];
}

// CSI (colours, cursor moves), OSC (titles, links) and lone two-byte escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]/g;
// Colour codes whose ESC byte was lost on the way (copied from a web CI log): "[32m", "[0m".
const ORPHAN_SGR = /\[\d{1,3}(?:;\d{1,3})*m/g;
// Colour codes a terminal showed in caret notation ("^[[32m"), and markdown bold a user added ("**error**").
const CARET_SGR = /\^\[\[[\d;]*m/g;
const MARKDOWN_BOLD = /\*\*/g;
// ISO timestamps that CI log viewers put before every line: noise even to a reader.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z\s+/;
// BuildKit plain progress ("#12 ", "#12 0.345 "): kept for the reader, who may want the step, dropped for matching.
const FRAMING = /^#\d+\s+(?:\d+\.\d+\s+)?/;

/**
 * Clean pasted tool output so one set of patterns fits every way it
 * arrives: ANSI colours stripped, CRLF and progress-bar carriage returns
 * made line breaks, JSON string escapes (`\"`, `\n`, `\u001b`, any depth)
 * undone. Lines are then joined with no separator, because a terminal
 * that wrapped a long line may have split it anywhere, even inside a
 * digest; the patterns allow any whitespace or none between words, so
 * text that was re-flowed at spaces matches as well.
 *
 * @example
 * ```ts
 * const clean = cleanErrorText("#4 ERROR: failed commit on ref\r\n\"layer-sha256:…\"");
 * clean.joined; // 'ERROR: failed commit on ref"layer-sha256:…"'
 * ```
 */
export function cleanErrorText(text: string): CleanText {
  const unescaped = text
    .replace(/\\+(?:u001b|u001B|x1b|x1B|e)(?=\[)/g, "\x1b")
    .replace(/\\+r\\+n|\\+n/g, "\n")
    .replace(/\\+t/g, " ")
    .replace(/\\+"/g, '"');
  const raw = unescaped
    .replace(ANSI, "")
    .replace(CARET_SGR, "")
    .replace(ORPHAN_SGR, "")
    .replace(MARKDOWN_BOLD, "")
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.replace(TIMESTAMP, ""));
  const lines = raw.map((line) => line.trim());
  const starts: number[] = [];
  let joined = "";
  for (const line of lines) {
    starts.push(joined.length);
    joined += line.replace(FRAMING, "").trim();
  }
  return { lines, raw, joined, starts };
}

/**
 * The index of the line holding offset `at` of `clean.joined`: the last
 * line starting at or before it, since empty lines take no room.
 *
 * @example
 * ```ts
 * lineIndexAt(cleanErrorText("a\nbc"), 1); // 1
 * ```
 */
export function lineIndexAt(clean: CleanText, at: number): number {
  let low = 0;
  let high = clean.starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((clean.starts[middle] as number) <= at) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * The lines a match of `joined` spans, as one line. Lines a terminal cut at
 * its width (all but the last equally long) are rejoined as they were;
 * otherwise the break becomes a space, except inside a digest.
 *
 * @example
 * ```ts
 * spannedLine(clean, { start: 0, end: 40 }, []);
 * ```
 */
export function spannedLine(
  clean: CleanText,
  span: { start: number; end: number },
  digestSpans: ReadonlyArray<readonly [number, number]>,
): string {
  const first = lineIndexAt(clean, span.start);
  const last = lineIndexAt(clean, Math.max(span.start, span.end - 1));
  const widths = clean.raw.slice(first, last).map((line) => line.length);
  if (widths.length > 0 && (widths[0] as number) >= 40 && widths.every((width) => width === widths[0])) {
    return clean.raw
      .slice(first, last + 1)
      .join("")
      .trim();
  }
  let line = clean.lines[first] ?? "";
  for (let i = first + 1; i <= last; i += 1) {
    const next = clean.lines[i] ?? "";
    if (next === "") continue;
    const at = clean.starts[i] as number;
    const insideDigest = digestSpans.some(([start, end]) => start < at && at < end);
    line += insideDigest ? next.replace(FRAMING, "") : ` ${next}`;
  }
  return line;
}
