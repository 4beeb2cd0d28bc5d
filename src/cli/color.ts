/** How `--color` was set: `auto` (the default) colours a terminal unless NO_COLOR is set. */
export type ColorChoice = "auto" | "always" | "never";

/** The styles the renderers ask for; each renderer takes a `paint` of this shape. */
export type Style = "good" | "bad" | "warn" | "dim";

/** Wraps text in a style, or returns it unchanged when colour is off. */
export type Paint = (style: Style, text: string) => string;

const SGR: Record<Style, string> = { good: "32", bad: "31", warn: "33", dim: "2" };

/**
 * Whether to colour a stream: `--color always|never` decide outright (a flag
 * the user typed wins over the environment, as no-color.org asks); `auto`
 * colours only a terminal, and never when `NO_COLOR` is set to anything.
 *
 * @example
 * ```ts
 * useColor("auto", process.stdout); // false when piped
 * ```
 */
export function useColor(
  choice: string | undefined,
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (choice === "always") return true;
  if (choice === "never") return false;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  return stream.isTTY === true;
}

/**
 * A {@link Paint} that adds ANSI colours when `enabled`, else leaves text as it is.
 *
 * @example
 * ```ts
 * const paint = painter(useColor(flags.color, process.stdout));
 * paint("bad", "FAILED");
 * ```
 */
export function painter(enabled: boolean): Paint {
  return enabled ? (style, text) => `\u001b[${SGR[style]}m${text}\u001b[0m` : (_style, text) => text;
}
