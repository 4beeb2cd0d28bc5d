import { splitQuotedWords, unquoteFlagValue } from "./dockerfile-words.js";
import { fileSource, type SourceText } from "./source-text.js";

/** A `<<NAME` or `<<-NAME` marker: the body ends at a line that is exactly NAME. */
export interface HeredocMarker {
  name: string;
  /** `<<-`: leading tabs are stripped before comparing a line with the name. */
  stripTabs: boolean;
}

// BuildKit's pattern for one heredoc word: optional fd, "<<", optional "-", name.
const HEREDOC_WORD = /^(\d*)<<(-?)([^<]*)$/;
const HEREDOC_INSTRUCTIONS = new Set(["run", "copy", "add"]);

/**
 * Whether an instruction can open heredocs: RUN, COPY and ADD (also behind
 * ONBUILD), in shell form only.
 *
 * @example
 * ```ts
 * canHaveHeredocs("run", fileSource("<<EOF", 0, 5)); // true
 * canHaveHeredocs("from", fileSource("<<EOF", 0, 5)); // false
 * ```
 */
export function canHaveHeredocs(keyword: string, args: SourceText): boolean {
  if (keyword === "onbuild") {
    const inner = /^\s*(\S+)/.exec(args.text)?.[1]?.toLowerCase() ?? "";
    return HEREDOC_INSTRUCTIONS.has(inner);
  }
  return HEREDOC_INSTRUCTIONS.has(keyword) && !isJsonForm(args.text);
}

/**
 * The heredocs an instruction line opens, in order, read the way BuildKit
 * reads them: each whitespace-separated word (quotes respected) of the form
 * `[fd]<<[-]NAME`, with quotes around NAME removed.
 *
 * @example
 * ```ts
 * heredocMarkers(fileSource("RUN <<EOF cat <<-'END'", 0, 22));
 * // [{ name: "EOF", stripTabs: false }, { name: "END", stripTabs: true }]
 * ```
 */
export function heredocMarkers(line: SourceText): HeredocMarker[] {
  if (!line.text.includes("<<")) return [];
  const markers: HeredocMarker[] = [];
  for (const word of splitQuotedWords(line, "\\")) {
    const match = HEREDOC_WORD.exec(word.text);
    if (match === null || match[3] === "") continue;
    const rawName = match[3] as string;
    const name = unquoteFlagValue(fileSource(rawName, 0, rawName.length)).text;
    if (name !== "" && !/\s/.test(name)) markers.push({ name, stripTabs: match[2] === "-" });
  }
  return markers;
}

function isJsonForm(args: string): boolean {
  if (!args.trimStart().startsWith("[")) return false;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === "string");
  } catch {
    return false;
  }
}
