/**
 * The tags worth examining first, at most `max`: those that share the
 * failing tag's variant (`-slim`, `-alpine`) before the rest, and within
 * each group the newest-looking first (numbers compared as numbers, so
 * `3.10` is newer than `3.9`). `exclude` (the failing tag) is left out.
 *
 * @example
 * ```ts
 * rankTags(["3.9-slim", "3.10-slim", "3.10", "latest"], { exclude: "3.11-slim", max: 2 }); // ["3.10-slim", "3.9-slim"]
 * ```
 */
export function rankTags(tags: readonly string[], options: { exclude?: string; max: number }): string[] {
  const variant = options.exclude === undefined ? undefined : variantOf(options.exclude);
  const sameVariant = (tag: string) => (variant !== undefined && variantOf(tag) === variant ? 0 : 1);
  return [...new Set(tags)]
    .filter((tag) => tag !== options.exclude)
    .sort((a, b) => sameVariant(a) - sameVariant(b) || newestFirst(a, b))
    .slice(0, Math.max(0, options.max));
}

// What is left of a tag once its leading version number is taken off: "3.3-slim" → "-slim".
function variantOf(tag: string): string {
  return tag.replace(/^v?\d+(?:\.\d+)*/, "");
}

function newestFirst(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const numeric = i % 2 === 1;
    if (numeric) return Number(y) - Number(x) || y.length - x.length;
    return x < y ? 1 : -1;
  }
  return pb.length - pa.length;
}
