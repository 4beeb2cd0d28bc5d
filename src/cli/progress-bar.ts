import type { VerifyProgress } from "../image/verify-image.js";
import { formatBytes } from "../text/format-bytes.js";

/**
 * A progress bar on stderr for long verifications (bytes, rate, blobs done
 * counted as each one finishes; several images may share one bar),
 * or undefined when stderr is not a terminal — logs and CI stay quiet.
 *
 * @example
 * ```ts
 * const progress = await terminalProgress("app:1.0");
 * await verifyImage(store, target, { display, progress });
 * progress?.stop();
 * ```
 */
export async function terminalProgress(label: string): Promise<(VerifyProgress & { stop(): void }) | undefined> {
  if (!process.stderr.isTTY) return undefined;
  const { SingleBar, Presets } = (await import("cli-progress")).default;
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {done} | {rate}/s | blobs {blobs}`,
      hideCursor: true,
      clearOnComplete: true,
      fps: 8,
    },
    Presets.shades_classic,
  );
  const startedAt = Date.now();
  let done = 0;
  let blobsDone = 0;
  let blobsTotal = 0;
  const payload = () => ({
    done: formatBytes(done),
    rate: formatBytes(Math.round(done / Math.max(0.001, (Date.now() - startedAt) / 1000))),
    blobs: `${blobsDone}/${blobsTotal}`,
  });
  let bytesTotal = 0;
  let started = false;
  return {
    // check --deep verifies several images into one bar: each start adds its share.
    start(totalBytes, blobs) {
      blobsTotal += blobs;
      bytesTotal += totalBytes;
      if (!started) bar.start(Math.max(1, bytesTotal), done, payload());
      else bar.setTotal(Math.max(1, bytesTotal));
      started = true;
      bar.update(done, payload());
    },
    advance(bytes) {
      done += bytes;
      bar.update(done, payload());
    },
    blobDone() {
      blobsDone++;
      bar.update(done, payload());
    },
    stop() {
      bar.stop();
    },
  };
}
