/**
 * `text` whole when its UTF-8 form fits in `maxBytes`, else its start cut
 * between characters (never inside one) and ended by a marker saying how
 * many bytes were left out; the result, marker included, fits in `maxBytes`.
 *
 * @example
 * ```ts
 * capBytes("x".repeat(5000), 2048); // "xxx…x… [2975 more bytes cut]"
 * ```
 */
export function capBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return text;
  // The marker's length depends on the count, so size it for the largest count it can say.
  const room = Math.max(0, maxBytes - Buffer.byteLength(marker(bytes.length)));
  let end = room;
  // 0b10xxxxxx is a continuation byte: step back to the start of its character.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return `${bytes.subarray(0, end).toString()}${marker(bytes.length - end)}`;
}

function marker(cut: number): string {
  return `… [${cut} more bytes cut]`;
}
