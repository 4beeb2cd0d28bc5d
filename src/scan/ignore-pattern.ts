/** One line of a `.gitignore` (or `.digestguardignore`), compiled. */
export interface IgnorePattern {
  /** `!pattern`: a match un-ignores. */
  negated: boolean;
  /** Whether `path` (relative to the ignore file's folder, `/`-separated) matches. */
  matches(path: string, isDirectory: boolean): boolean;
}

/**
 * Compile the lines of an ignore file with git's rules: `#` comments and
 * blank lines skipped, `!` negates, a trailing `/` matches folders only, a
 * `/` at the start or in the middle anchors to the file's folder (else the
 * pattern matches at any depth), `*` and `?` do not cross `/`, `[…]` classes,
 * and `**` as a whole path segment spans folders. `\` escapes.
 *
 * @example
 * ```ts
 * parseIgnoreFile("vendor/\n!vendor/keep\n").map((p) => p.negated); // [false, true]
 * ```
 */
export function parseIgnoreFile(text: string): IgnorePattern[] {
  return text.split("\n").flatMap((line) => parseIgnoreLine(line) ?? []);
}

/**
 * Compile one ignore line; undefined for a comment or a blank line.
 *
 * @example
 * ```ts
 * parseIgnoreLine("/build/")?.matches("build", true); // true
 * ```
 */
export function parseIgnoreLine(raw: string): IgnorePattern | undefined {
  let line = trimUnescapedTrailingSpaces(raw.replace(/\r$/, ""));
  if (line === "" || line.startsWith("#")) return undefined;
  const negated = line.startsWith("!");
  if (negated) line = line.slice(1);
  const directoryOnly = line.endsWith("/");
  if (directoryOnly) line = line.slice(0, -1);
  if (line === "") return undefined;
  const anchored = line.includes("/");
  if (line.startsWith("/")) line = line.slice(1);
  const regex = new RegExp(`^${anchored ? "" : "(?:.*/)?"}${globToRegex(line)}$`);
  return { negated, matches: (path, isDirectory) => (!directoryOnly || isDirectory) && regex.test(path) };
}

function trimUnescapedTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === " " && line[end - 2] !== "\\") end -= 1;
  return line.slice(0, end);
}

function globToRegex(glob: string): string {
  const segments = glob.split("/");
  const parts = segments.map((segment, i) => {
    if (segment !== "**") return segmentToRegex(segment) + (i < segments.length - 1 ? "/" : "");
    // `**/` spans zero or more folders; a final `/**` everything inside.
    return i < segments.length - 1 ? "(?:.*/)?" : ".*";
  });
  return parts.join("");
}

function segmentToRegex(segment: string): string {
  let out = "";
  for (let i = 0; i < segment.length; i += 1) {
    const char = segment[i] as string;
    if (char === "\\" && i + 1 < segment.length) out += escapeRegex(segment[++i] as string);
    else if (char === "*") out += "[^/]*";
    else if (char === "?") out += "[^/]";
    else if (char === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close === -1) out += "\\[";
      else {
        const body = segment
          .slice(i + 1, close)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        out += `[${body}]`;
        i = close;
      }
    } else out += escapeRegex(char);
  }
  return out;
}

function escapeRegex(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
