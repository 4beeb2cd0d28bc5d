/**
 * The count of a `ratelimit-remaining` header (Docker Hub sends
 * `ratelimit-remaining: 100;w=21600`: 100 pulls left in a 21600 s window);
 * undefined when the header is absent or says no number.
 *
 * @example
 * ```ts
 * rateLimitRemaining("100;w=21600"); // 100
 * rateLimitRemaining(undefined); // undefined
 * ```
 */
export function rateLimitRemaining(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const count = header.split(";")[0]?.trim() ?? "";
  if (!/^\d+$/.test(count)) return undefined;
  const value = Number(count);
  return Number.isSafeInteger(value) ? value : undefined;
}
