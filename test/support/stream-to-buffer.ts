import type { Readable } from "node:stream";

/** Collect a (small, test-sized) stream into one buffer; rejects when the stream errors. */
export async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
