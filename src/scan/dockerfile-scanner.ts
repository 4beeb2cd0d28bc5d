import { DigestguardError } from "../errors/error.js";
import { canHaveHeredocs, heredocMarkers } from "./dockerfile-heredocs.js";
import { SourceBuilder, sliceSource, type SourceText } from "./source-text.js";

/** A parser directive (`# syntax=…`, `# escape=…`, `# check=…`) from the top of a Dockerfile. */
export interface ParserDirective {
  /** Lowercased name. */
  name: string;
  value: string;
  /** File offset of the value. */
  start: number;
}

/** One instruction, its physical lines joined the way BuildKit joins them. */
export interface DockerfileInstruction {
  /** Lowercased keyword (`from`, `run`, …). */
  keyword: string;
  /** Everything after the keyword, continuations joined, comment lines dropped. */
  args: SourceText;
  /** 1-based line of the keyword. */
  line: number;
}

/** What {@link scanDockerfile} reads: directives, the escape character, instructions. */
export interface ScannedDockerfile {
  escape: string;
  directives: ParserDirective[];
  instructions: DockerfileInstruction[];
}

interface PhysicalLine {
  start: number;
  /** End of the content: before "\n" and any "\r" in front of it. */
  end: number;
}

// BuildKit's directive pattern, with Go's \s spelled out.
const DIRECTIVE = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/d;
const KNOWN_DIRECTIVES = new Set(["syntax", "escape", "check"]);
const KEYWORD = /^(\S+)[\t\v\f\r ]*/;

/**
 * Read a Dockerfile into instructions exactly as BuildKit splits it, while
 * remembering the file offset of every character: parser directives only in
 * the leading comment block (an empty line, another comment or an instruction
 * ends it), the escape character they set, line continuations whose joined
 * lines may have comment and blank lines between them, and heredoc bodies,
 * which are skipped whole so their content is never read as instructions.
 * Throws `USAGE` on a bad escape directive or an unterminated heredoc.
 *
 * @example
 * ```ts
 * scanDockerfile("# escape=`\nFROM `\n  alpine\n", "Dockerfile").instructions[0].args.text; // "alpine"
 * ```
 */
export function scanDockerfile(text: string, file: string): ScannedDockerfile {
  const lines = physicalLines(text);
  const directives = readDirectives(text, lines, file);
  const escape = directives.find((directive) => directive.name === "escape")?.value ?? "\\";
  const continuation = new RegExp(`${escape === "\\" ? "\\\\" : "`"}[ \\t]*$`);
  const instructions: DockerfileInstruction[] = [];
  let index = 0;
  while (index < lines.length) {
    const first = lines[index] as PhysicalLine;
    const firstLine = index + 1;
    const content = text.slice(first.start, first.end);
    const indent = content.length - content.trimStart().length;
    index += 1;
    if (content.trimStart() === "" || content.trimStart().startsWith("#")) continue;
    const joined = new SourceBuilder();
    let open = appendLine(joined, text, first.start + indent, first.end, continuation);
    while (open && index < lines.length) {
      const next = lines[index] as PhysicalLine;
      index += 1;
      const nextContent = text.slice(next.start, next.end).trimStart();
      // BuildKit drops comment and blank lines inside a continued instruction.
      if (nextContent === "" || nextContent.startsWith("#")) continue;
      open = appendLine(joined, text, next.start, next.end, continuation);
    }
    const instruction = splitKeyword(joined.build(), firstLine);
    if (instruction === undefined) continue;
    instructions.push(instruction);
    if (canHaveHeredocs(instruction.keyword, instruction.args)) {
      index = skipHeredocs(text, lines, index, joined.build(), { file, line: instruction.line });
    }
  }
  return { escape, directives, instructions };
}

function physicalLines(text: string): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  // A byte-order mark is not part of the first line (BuildKit drops it too).
  let start = text.startsWith("\uFEFF") ? 1 : 0;
  while (start <= text.length) {
    const newline = text.indexOf("\n", start);
    const stop = newline === -1 ? text.length : newline;
    let end = stop;
    while (end > start && text[end - 1] === "\r") end -= 1;
    // A final "\n" ends the last line; it does not start an empty one.
    if (newline !== -1 || start < text.length) lines.push({ start, end });
    if (newline === -1) break;
    start = newline + 1;
  }
  return lines;
}

function readDirectives(text: string, lines: PhysicalLine[], file: string): ParserDirective[] {
  const directives: ParserDirective[] = [];
  for (const line of lines) {
    const content = text.slice(line.start, line.end);
    const indent = content.length - content.trimStart().length;
    const match = DIRECTIVE.exec(content.slice(indent));
    const name = match?.[1]?.toLowerCase() ?? "";
    // Any other line, including an unknown directive, ends the directive block.
    if (match === null || !KNOWN_DIRECTIVES.has(name)) break;
    if (directives.some((directive) => directive.name === name)) {
      throw new DigestguardError("USAGE", `Cannot read ${file}: only one "${name}" parser directive may be given.`);
    }
    const value = match[2] as string;
    if (name === "escape" && value !== "\\" && value !== "`") {
      throw new DigestguardError(
        "USAGE",
        `Cannot read ${file}: the escape directive must be \\ or \`, not "${value}".`,
      );
    }
    directives.push({ name, value, start: line.start + indent + (match.indices?.[2]?.[0] ?? 0) });
  }
  return directives;
}

/** Appends one physical line; true when it ends with a continuation (which is left out). */
function appendLine(joined: SourceBuilder, text: string, start: number, end: number, continuation: RegExp): boolean {
  const before = joined.length;
  for (let at = start; at < end; at += 1) joined.push(text[at] as string, at);
  const marker = continuation.exec(text.slice(start, end));
  if (marker === null) return false;
  joined.truncate(before + marker.index);
  return true;
}

function splitKeyword(joined: SourceText, line: number): DockerfileInstruction | undefined {
  const match = KEYWORD.exec(joined.text);
  if (match === null) return undefined;
  return { keyword: (match[1] as string).toLowerCase(), args: sliceSource(joined, match[0].length), line };
}

function skipHeredocs(
  text: string,
  lines: PhysicalLine[],
  index: number,
  joined: SourceText,
  where: { file: string; line: number },
): number {
  let next = index;
  for (const marker of heredocMarkers(joined)) {
    for (;;) {
      const line = lines[next];
      if (line === undefined) {
        throw new DigestguardError(
          "USAGE",
          `Cannot read ${where.file}: the heredoc <<${marker.name} opened on line ${where.line} is never closed by a line "${marker.name}".`,
        );
      }
      next += 1;
      const content = text.slice(line.start, line.end);
      if ((marker.stripTabs ? content.replace(/^\t+/, "") : content) === marker.name) break;
    }
  }
  return next;
}
