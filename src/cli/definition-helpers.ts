// Shared by the command definitions, which start-up loads: keep this tiny.

/**
 * Commander's parser for a repeatable flag: each use appends its value.
 *
 * @example
 * ```ts
 * program.option("--mirror <registry=mirror>", "…", collect);
 * ```
 */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The `--format` choices of `pin --check` and `check`. */
export const OUTPUT_FORMATS = ["text", "json", "sarif", "junit", "github"];
