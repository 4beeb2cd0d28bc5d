import type { FoundReference } from "./found-reference.js";

const MARKER = /#\s*digestguard:\s*ignore\b/;

/**
 * Whether a reference is marked to be left alone with a
 * `# digestguard: ignore` comment: at the end of its own line (after the
 * reference) or on a comment line just before it. The same comment works in
 * Dockerfiles and YAML.
 *
 * @example
 * ```ts
 * const text = "# digestguard: ignore\nFROM alpine:3\n";
 * ignoredByComment(text, findReferencesInFile(text, "Dockerfile")[0]); // true
 * ```
 */
export function ignoredByComment(text: string, found: Pick<FoundReference, "start" | "end">): boolean {
  const lineStart = text.lastIndexOf("\n", found.start - 1) + 1;
  const lineEnd = endOfLine(text, found.end);
  if (MARKER.test(text.slice(found.end, lineEnd))) return true;
  if (lineStart === 0) return false;
  const previous = text.slice(text.lastIndexOf("\n", lineStart - 2) + 1, lineStart - 1).trim();
  return previous.startsWith("#") && MARKER.test(previous);
}

function endOfLine(text: string, from: number): number {
  const at = text.indexOf("\n", from);
  return at === -1 ? text.length : at;
}
