/**
 * Indent every non-empty line by three spaces: how the demo sets a command's
 * output under the line that names it.
 *
 * @example
 * ```ts
 * indent("a\n\nb"); // "   a\n\n   b"
 * ```
 */
export function indent(text: string): string {
  return text.replace(/^(?=.)/gm, "   ");
}
