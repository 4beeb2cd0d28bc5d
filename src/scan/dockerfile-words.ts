import { SourceBuilder, sliceSource, type SourceText } from "./source-text.js";

/** A `--name[=value]` flag at the start of an instruction's arguments. */
export interface InstructionFlag {
  name: string;
  /** The raw value after "=", quotes and escapes included; absent for a bare `--name`. */
  value?: SourceText;
}

// The whitespace BuildKit splits FROM arguments on (Go's reWhitespace).
const FIELD_SEPARATOR = /[\t\v\f\r ]/;
const SPACE = /\s/;

/**
 * Split on runs of spaces and tabs, the way BuildKit splits `FROM` arguments
 * (quotes are not special there; they are removed later, with variables).
 *
 * @example
 * ```ts
 * splitFields(fileSource("a  b", 0, 4)).map((w) => w.text); // ["a", "b"]
 * ```
 */
export function splitFields(source: SourceText): SourceText[] {
  const fields: SourceText[] = [];
  let start = -1;
  for (let i = 0; i <= source.text.length; i += 1) {
    const separator = i === source.text.length || FIELD_SEPARATOR.test(source.text[i] as string);
    if (separator && start !== -1) fields.push(sliceSource(source, start, i));
    if (separator) start = -1;
    else if (start === -1) start = i;
  }
  return fields;
}

/**
 * Split into shell-like words at whitespace outside quotes, keeping the words
 * raw (quotes and escapes still in them), as BuildKit does for `ARG` and for
 * finding heredoc markers.
 *
 * @example
 * ```ts
 * splitQuotedWords(fileSource('A="x y" B', 0, 9), "\\").map((w) => w.text); // ['A="x y"', "B"]
 * ```
 */
export function splitQuotedWords(source: SourceText, escape: string): SourceText[] {
  const words: SourceText[] = [];
  let at = 0;
  while (at < source.text.length) {
    if (SPACE.test(source.text[at] as string)) {
      at += 1;
      continue;
    }
    const end = wordEnd(source.text, at, escape, false);
    words.push(sliceSource(source, at, end));
    at = end;
  }
  return words;
}

/**
 * Take the leading `--name=value` flags off an instruction's arguments, with
 * BuildKit's rules: flags end at the first word not starting with "--" or at
 * a bare "--"; quotes may wrap spaces; a backslash escapes the next character.
 *
 * @example
 * ```ts
 * const { flags, rest } = extractFlags(fileSource("--from=build /a /b", 0, 18));
 * // flags[0].name === "from", flags[0].value.text === "build", rest.text === "/a /b"
 * ```
 */
export function extractFlags(source: SourceText): { flags: InstructionFlag[]; rest: SourceText } {
  const flags: InstructionFlag[] = [];
  let at = 0;
  for (;;) {
    while (at < source.text.length && SPACE.test(source.text[at] as string)) at += 1;
    if (!source.text.startsWith("--", at)) break;
    const end = wordEnd(source.text, at, "\\", true);
    const word = source.text.slice(at, end);
    if (word === "--") return { flags, rest: trim(sliceSource(source, end)) };
    const equals = word.indexOf("=");
    flags.push(
      equals === -1
        ? { name: word.slice(2) }
        : { name: word.slice(2, equals), value: sliceSource(source, at + equals + 1, end) },
    );
    at = end;
  }
  return { flags, rest: trim(sliceSource(source, at)) };
}

/**
 * A flag value with its quotes and backslash escapes removed, as BuildKit
 * reads it; each remaining character keeps its file offset.
 *
 * @example
 * ```ts
 * unquoteFlagValue(fileSource('"a b"', 0, 5)).text; // "a b"
 * ```
 */
export function unquoteFlagValue(raw: SourceText): SourceText {
  const out = new SourceBuilder();
  let quote = "";
  for (let i = 0; i < raw.text.length; i += 1) {
    const char = raw.text[i] as string;
    if (quote === "" && (char === '"' || char === "'")) quote = char;
    else if (char === quote) quote = "";
    else if (char === "\\" && i + 1 < raw.text.length) {
      i += 1;
      out.push(raw.text[i] as string, raw.offsets[i] as number);
    } else out.push(char, raw.offsets[i] as number);
  }
  return out.build();
}

function wordEnd(text: string, start: number, escape: string, escapeInSingleQuotes: boolean): number {
  let quote = "";
  for (let at = start; at < text.length; at += 1) {
    const char = text[at] as string;
    if (quote === "" && SPACE.test(char)) return at;
    if (char === escape && (quote !== "'" || escapeInSingleQuotes)) at += 1;
    else if (quote === "" && (char === '"' || char === "'")) quote = char;
    else if (char === quote) quote = "";
  }
  return text.length;
}

function trim(source: SourceText): SourceText {
  const start = source.text.length - source.text.trimStart().length;
  return sliceSource(source, start, Math.max(start, source.text.trimEnd().length));
}
