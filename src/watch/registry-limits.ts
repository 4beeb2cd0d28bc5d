/**
 * Spaces calls to one registry so no more than `perSecond` start in any
 * second; shared by every check of that registry in a cycle.
 *
 * @example
 * ```ts
 * const pace = requestPacer(10);
 * await pace(signal); // resolves at most 10 times a second
 * ```
 */
export function requestPacer(perSecond: number | undefined): (signal?: AbortSignal) => Promise<void> {
  if (perSecond === undefined) return async () => {};
  const gapMs = 1000 / perSecond;
  let next = 0;
  return async (signal) => {
    const now = Date.now();
    const start = Math.max(now, next);
    next = start + gapMs;
    if (start > now) await new Promise<void>((resolve) => setTimeout(resolve, start - now));
    signal?.throwIfAborted();
  };
}

/**
 * Group items by registry, keeping their order inside each group.
 *
 * @example
 * ```ts
 * byRegistry([{ registry: "a" }, { registry: "b" }, { registry: "a" }]); // Map { a => [..2], b => [..1] }
 * ```
 */
export function byRegistry<T extends { registry: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.registry, [...(groups.get(item.registry) ?? []), item]);
  return groups;
}
