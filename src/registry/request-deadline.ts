import type { Readable } from "node:stream";

// undici's timeouts are idle timeouts: a server sending one byte a second
// never trips them. A document gets a total deadline instead, which aborts
// the request (headers or body) when it passes.
/**
 * A timer that aborts one request when it runs out, with `expired` telling
 * a deadline apart from a caller's cancellation.
 *
 * @example
 * ```ts
 * const deadline = new Deadline(5_000, signal);
 * const res = await dispatcher.request({ ...options, signal: deadline.signal });
 * deadline.until(res.body);
 * ```
 */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly signal: AbortSignal;
  expired = false;

  constructor(ms: number, outer: AbortSignal | undefined) {
    this.signal = outer === undefined ? this.#controller.signal : AbortSignal.any([outer, this.#controller.signal]);
    this.#timer = setTimeout(() => {
      this.expired = true;
      this.#controller.abort();
    }, ms);
    this.#timer.unref(); // an open request keeps the process alive by itself; a finished one must not
  }

  /** Keep the deadline running until the body is finished with. */
  until(body: Readable): void {
    body.once("close", () => this.clear());
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}
