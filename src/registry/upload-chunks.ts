import { Readable } from "node:stream";
import { DigestguardError } from "../errors/error.js";
import type { Descriptor } from "../oci/descriptor.js";

/**
 * Cuts one byte stream into consecutive bodies of given lengths without
 * buffering more than the source's own chunks: each body is a stream that
 * reads straight from the source, so a chunked upload keeps constant memory
 * and the next chunk's bytes keep flowing from the source as it is sent.
 *
 * @example
 * ```ts
 * const slicer = new BodySlicer(source, descriptor, "blob sha256:…");
 * await send(slicer.next(32 << 20)); await send(slicer.next(rest));
 * await slicer.end(); // the source ended exactly here, and its own checks passed
 * ```
 */
export class BodySlicer {
  readonly #source: AsyncIterator<Buffer>;
  #leftover: Buffer | undefined;

  constructor(
    source: Readable,
    private readonly descriptor: Descriptor,
    private readonly what: string,
  ) {
    this.#source = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** A stream of the next `length` bytes; it errors if the source ends first. */
  next(length: number): Readable {
    return Readable.from(this.#take(length), { objectMode: false });
  }

  /**
   * Read the source to its end: a verifying source reports a wrong digest
   * only there, so the upload must not be committed before this resolves.
   */
  async end(): Promise<void> {
    const last =
      this.#leftover !== undefined && this.#leftover.length > 0 ? { done: false } : await this.#source.next();
    if (last.done !== true) {
      throw new DigestguardError(
        "SIZE_MISMATCH",
        `Cannot upload ${this.what}: the source has more than the ${this.descriptor.size} bytes its descriptor says.`,
      );
    }
  }

  async *#take(length: number): AsyncGenerator<Buffer> {
    let remaining = length;
    while (remaining > 0) {
      let chunk = this.#leftover;
      this.#leftover = undefined;
      if (chunk === undefined) {
        const step = await this.#source.next();
        if (step.done === true) {
          throw new DigestguardError(
            "SIZE_MISMATCH",
            `Cannot upload ${this.what}: the source ended ${remaining} bytes short of ${this.descriptor.size}.`,
          );
        }
        chunk = step.value;
      }
      if (chunk.length > remaining) {
        this.#leftover = chunk.subarray(remaining);
        chunk = chunk.subarray(0, remaining);
      }
      remaining -= chunk.length;
      yield chunk;
    }
  }
}
