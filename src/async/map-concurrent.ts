/**
 * Map over `items` with at most `limit` operations running at once, keeping
 * the input order in the result. Each result is settled, so one failure does
 * not hide the others.
 *
 * @example
 * ```ts
 * const results = await mapConcurrent(refs, 8, (ref) => client.resolve(ref));
 * ```
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  operation: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: "fulfilled", value: await operation(items[index] as T, index) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
