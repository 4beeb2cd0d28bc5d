/**
 * Text assembled from pieces of a file (a Dockerfile instruction joined across
 * line continuations, a word with its quotes removed, a value after variable
 * substitution) that remembers, for every character, the UTF-16 offset in the
 * file it came from. Rewrites are only ever done through these offsets, so a
 * pin lands on the characters it was computed from and nowhere else.
 */
export interface SourceText {
  text: string;
  /** `offsets[i]` is the file offset of `text[i]`. */
  offsets: number[];
}

/**
 * The characters `start..end` of a file, each at its own offset.
 *
 * @example
 * ```ts
 * fileSource("FROM alpine", 5, 11); // { text: "alpine", offsets: [5, 6, 7, 8, 9, 10] }
 * ```
 */
export function fileSource(fileText: string, start: number, end: number): SourceText {
  const offsets: number[] = [];
  for (let at = start; at < end; at += 1) offsets.push(at);
  return { text: fileText.slice(start, end), offsets };
}

/**
 * The characters `from..to` of a source text, keeping their file offsets.
 *
 * @example
 * ```ts
 * sliceSource(fileSource("FROM alpine", 0, 11), 5).text; // "alpine"
 * ```
 */
export function sliceSource(source: SourceText, from: number, to = source.text.length): SourceText {
  return { text: source.text.slice(from, to), offsets: source.offsets.slice(from, to) };
}

/**
 * Appends characters with their offsets; the builder behind every derived
 * {@link SourceText}.
 *
 * @example
 * ```ts
 * const out = new SourceBuilder();
 * out.push("a", 7);
 * out.build(); // { text: "a", offsets: [7] }
 * ```
 */
export class SourceBuilder {
  private readonly chars: string[] = [];
  private readonly offsets: number[] = [];

  /** Number of characters appended so far. */
  get length(): number {
    return this.chars.length;
  }

  push(char: string, offset: number): void {
    this.chars.push(char);
    this.offsets.push(offset);
  }

  append(source: SourceText): void {
    for (let i = 0; i < source.text.length; i += 1) this.push(source.text[i] as string, source.offsets[i] as number);
  }

  /** Drops characters from `length` on (a trimmed line-continuation marker). */
  truncate(length: number): void {
    this.chars.length = length;
    this.offsets.length = length;
  }

  build(): SourceText {
    return { text: this.chars.join(""), offsets: [...this.offsets] };
  }
}

/**
 * The file range a source text occupies when its characters sit side by side
 * in the file and read the same there; `undefined` when they were gathered
 * from several places (a line continuation, quotes, an escape, a variable).
 *
 * @example
 * ```ts
 * contiguousRange("FROM alpine", fileSource("FROM alpine", 5, 11)); // { start: 5, end: 11 }
 * ```
 */
export function contiguousRange(fileText: string, source: SourceText): { start: number; end: number } | undefined {
  const first = source.offsets[0];
  if (first === undefined) return undefined;
  for (let i = 1; i < source.offsets.length; i += 1) {
    if (source.offsets[i] !== first + i) return undefined;
  }
  const end = first + source.offsets.length;
  // Offsets can be adjacent while the characters differ (an escape maps `\$`
  // to `$`); only an exact match is safe to rewrite in place.
  return fileText.slice(first, end) === source.text ? { start: first, end } : undefined;
}
