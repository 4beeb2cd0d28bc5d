import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { copyImage } from "../image/copy-image.js";
import { pinFiles } from "../pin/pin-files.js";
import { renderPin } from "../pin/render-pin.js";
import { OciLayoutStore } from "../store/oci-layout.js";
import type { DemoWorld } from "./demo-world.js";
import { indent } from "./indent.js";

const BASE = "demo.local/demo/base:1.0";

/**
 * Act 5: back the pinned base image up into an OCI layout folder — the
 * offline copy `dg mirror` makes, the same digest, every blob verified on
 * the way. The folder is served as `backup.local`, so it can be pinned to.
 */
export async function backUpBase(
  world: DemoWorld,
  cli: string,
  write: (text: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const folder = join(world.backupDir, "demo", "base");
  write(`\n== 5. Keep a backup: ${cli} mirror ${BASE} oci:${folder}\n`);
  const { store, target } = await world.open(BASE);
  const backup = await OciLayoutStore.open(folder, { create: true, signal });
  const result = await copyImage(store, target, backup, { tag: "1.0", signal, what: BASE });
  write(
    `   copied ${result.written.digest}: ${result.blobs.uploaded} blobs, ${result.bytesUploaded} bytes, each verified; the same digest, served as backup.local/demo/base\n`,
  );
}

/**
 * Act 9: the upstream copy is broken, the backup is not: `pin --mirror`
 * moves every pin to the backup's copy of the very same digest.
 */
export async function pinToBackup(
  world: DemoWorld,
  cli: string,
  write: (text: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  write(`\n== 9. Build from the backup: ${cli} pin --mirror backup.local ${world.projectDir}\n`);
  const report = await pinFiles({
    paths: [world.projectDir],
    lockfilePath: world.lockfilePath,
    open: world.open,
    mirror: "backup.local",
    signal,
  });
  write(indent(renderPin(report)));
  const dockerfile = await readFile(join(world.projectDir, "Dockerfile"), "utf8");
  const from = dockerfile.split("\n").find((line) => line.startsWith("FROM backup.local/")) ?? "(not moved)";
  write(`   Dockerfile now: ${from}   (the digest pinned in act 4)\n`);
}
