import type { VerifyProgress } from "../image/verify-image.js";
import { formatBytes } from "../verify/render-verify.js";

/**
 * A progress bar on stderr for long verifications (bytes, rate, blobs done),
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
  const started = Date.now();
  let done = 0;
  let blobsDone = 0;
  let blobsTotal = 0;
  const payload = () => ({
    done: formatBytes(done),
    rate: formatBytes(Math.round(done / Math.max(0.001, (Date.now() - started) / 1000))),
    blobs: `${blobsDone}/${blobsTotal}`,
  });
  return {
    start(totalBytes, blobs) {
      blobsTotal = blobs;
      bar.start(Math.max(1, totalBytes), 0, payload());
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
