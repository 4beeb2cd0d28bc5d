import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { diagnose } from "../diagnose/diagnose.js";
import { renderDiagnosis } from "../diagnose/render-diagnose.js";
import { readLockfile } from "../lockfile/lockfile.js";
import { digestHex, digestOf, type Digest } from "../oci/digest.js";
import { renderVerify } from "../verify/render-verify.js";
import { verifyImage } from "../image/verify-image.js";
import type { DemoWorld } from "./demo-world.js";
import { indent } from "./indent.js";

/**
 * Acts 7 and 8: one byte of a pinned layer goes bad in the "registry"; `verify`
 * names platform, layer, expected and actual digest, and `diagnose`, given
 * the error BuildKit would print, says which cause fits and what to do.
 */
export async function corruptAndDiagnose(
  world: DemoWorld,
  cli: string,
  write: (text: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const lock = await readLockfile(world.lockfilePath);
  const pinned = lock?.images.find((image) => image.reference === "demo.local/demo/base:1.0");
  const layer = pinned?.platforms.find((p) => p.platform === "linux/amd64")?.layers[0];
  if (pinned === undefined || layer === undefined) throw new Error("the demo lockfile lacks the base image");
  const blob = join(world.registryDir, "demo", "base", "blobs", "sha256", digestHex(layer.digest as Digest));
  const bytes = await readFile(blob);
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
  await writeFile(blob, bytes);
  const reference = `demo.local/demo/base@${pinned.digest}`;
  write(
    `\n== 7. One byte of the pinned amd64 layer goes bad in the registry's storage\n   $ ${cli} verify ${reference}\n`,
  );
  const { store, target, display } = await world.open(reference);
  const report = await verifyImage(store, target, { display, signal });
  write(indent(renderVerify(report, { quiet: true })));
  const actual = digestOf(bytes);
  const text = `ERROR: failed to solve: failed commit on ref "layer-${layer.digest}": unexpected commit digest ${actual}, expected ${layer.digest}: failed precondition`;
  write(
    `\n== 8. The build fails; paste its error into diagnose\n   ${text}\n   $ ${cli} diagnose --image ${reference}\n`,
  );
  const diagnosis = await diagnose({
    text,
    images: [reference],
    ...(lock ? { lock } : {}),
    signal,
    openOrigin: async (ref) => ({ name: "demo.local", ...(await world.open(ref)) }),
    // The backup made in act 5, as a mirror of demo.local: diagnose offers it when it verifies.
    mirrorsFor: async (ref) => [
      { name: "backup.local", store: (await world.open(ref.replace(/^demo\.local\//, "backup.local/"))).store },
    ],
  });
  write(indent(renderDiagnosis(diagnosis)));
}
