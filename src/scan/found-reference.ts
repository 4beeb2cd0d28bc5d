/** Where an image reference was found: the instruction or YAML key that names it. */
export type ReferenceKind =
  | "from"
  | "copy-from"
  | "mount-from"
  | "syntax"
  | "compose-image"
  | "kubernetes-image"
  | "workflow-container"
  | "workflow-service";

/** A range of the file text where a pin must be written instead of at the reference itself. */
export interface PinTarget {
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset just past the last character. */
  end: number;
  /** The text in that range, e.g. the ARG default `ruby:3.3-slim`. */
  text: string;
}

/**
 * One image reference found in a file, with the exact range it occupies so a
 * pin can replace those characters and nothing else.
 */
export interface FoundReference {
  file: string;
  /** 1-based line of the first character of `written`. */
  line: number;
  /** 1-based column (UTF-16 units) of the first character of `written`. */
  column: number;
  kind: ReferenceKind;
  /** The exact text in the file, e.g. `ruby:${RUBY_VERSION}-slim` or `nginx:1.25@sha256:…`. */
  written: string;
  /** UTF-16 offset of `written` in the file text. */
  start: number;
  /** UTF-16 offset just past `written`. */
  end: number;
  /** The reference after substituting ARG defaults or `${VAR:-default}`; absent when not pinnable. */
  resolved?: string;
  /** Why it cannot be pinned ("scratch", "stage name", "ARG V has no default", …). */
  unpinnable?: string;
  /** The `FROM --platform=…` value as written. */
  platform?: string;
  /** The stage name of `FROM … AS name`, as written. */
  stage?: string;
  /**
   * When the whole reference comes from one variable (`FROM ${BASE}`,
   * `image: ${IMAGE:-nginx:1.25}`): the default value's range, where the pin
   * must go instead of at `written`.
   */
  pinTarget?: PinTarget;
}

/**
 * The 1-based line and column of a UTF-16 offset; only "\n" ends a line
 * (as in BuildKit), so CRLF counts once and a lone "\r" not at all.
 *
 * @example
 * ```ts
 * lineAndColumn("FROM a\r\nFROM b\n", 13); // { line: 2, column: 6 }
 * ```
 */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) {
    line += 1;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** What a finder knows about a reference besides where it is. */
export type ReferenceDetails = Omit<FoundReference, "file" | "line" | "column" | "written" | "start" | "end">;

/**
 * Build a {@link FoundReference} for the range `start..end` of `text`,
 * computing its line, column and written text from the range so the three
 * can never disagree.
 *
 * @example
 * ```ts
 * const text = "FROM alpine:3.19\n";
 * foundReference(text, "Dockerfile", 5, 16, { kind: "from", resolved: "alpine:3.19" });
 * // { file: "Dockerfile", line: 1, column: 6, written: "alpine:3.19", start: 5, end: 16, kind: "from", … }
 * ```
 */
export function foundReference(
  text: string,
  file: string,
  start: number,
  end: number,
  details: ReferenceDetails,
): FoundReference {
  const { line, column } = lineAndColumn(text, start);
  const found: FoundReference = { file, line, column, kind: details.kind, written: text.slice(start, end), start, end };
  // Copy only the fields that are set, so absent stays absent (deepEqual, JSON).
  for (const key of ["resolved", "unpinnable", "platform", "stage", "pinTarget"] as const) {
    if (details[key] !== undefined) Object.assign(found, { [key]: details[key] });
  }
  return found;
}
