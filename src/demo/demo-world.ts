import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DigestguardError } from "../errors/error.js";
import { buildImage } from "../imagebuild/image.js";
import { writeImage } from "../imagebuild/write-image.js";
import type { RegistryClient } from "../registry/registry-client.js";
import { openLocation, type OpenedLocation } from "../store/open-location.js";
import { OciLayoutStore } from "../store/oci-layout.js";
import { DEMO_COMPOSE, DEMO_DOCKERFILE, demoImageSpec } from "./demo-image.js";

/** The demo's offline world: a registry name served from local OCI layouts, and a project using it. */
export interface DemoWorld {
  dir: string;
  /** Folder of layouts behind the `demo.local` registry name. */
  registryDir: string;
  /** Folder of layouts behind the `backup.local` registry name: the demo's mirror. */
  backupDir: string;
  projectDir: string;
  configPath: string;
  lockfilePath: string;
  open: (reference: string) => Promise<OpenedLocation>;
  /** Build a version of the base image and tag it `demo.local/demo/base:1.0`. */
  publishBase(version: "1.0" | "1.1", signal?: AbortSignal): Promise<string>;
}

/**
 * Lay out the demo: `registry/` (OCI layouts served as `demo.local`),
 * `backup/` (served as `backup.local`), `digestguard.yaml` saying so, and `app/` with a Dockerfile and compose file.
 *
 * @example
 * ```ts
 * const world = await createDemoWorld();
 * await world.publishBase("1.0");
 * ```
 */
export async function createDemoWorld(dir?: string): Promise<DemoWorld> {
  const root = resolve(dir ?? join(await mkdtemp(join(tmpdir(), "digestguard-demo-")), "demo"));
  const registryDir = join(root, "registry");
  const backupDir = join(root, "backup");
  const projectDir = join(root, "app");
  const configPath = join(root, "digestguard.yaml");
  await mkdir(projectDir, { recursive: true });
  await mkdir(registryDir, { recursive: true });
  await writeFile(
    configPath,
    [
      "version: 1",
      "registries:",
      "  demo.local:",
      "    layout: registry   # served from local OCI layouts: no network",
      "  backup.local:",
      "    layout: backup     # the backup made with dg mirror",
      "",
    ].join("\n"),
  );
  await writeFile(join(projectDir, "Dockerfile"), DEMO_DOCKERFILE);
  await writeFile(join(projectDir, "compose.yaml"), DEMO_COMPOSE);
  const layouts = { "demo.local": registryDir, "backup.local": backupDir };
  const open = (reference: string) => openLocation(reference, { client: offlineOnly, layouts, create: true });
  return {
    dir: root,
    registryDir,
    backupDir,
    projectDir,
    configPath,
    lockfilePath: join(projectDir, "digestguard.lock"),
    open,
    async publishBase(version, signal) {
      const store = await OciLayoutStore.open(join(registryDir, "demo", "base"), { create: true, signal });
      return (await writeImage(store, await buildImage(demoImageSpec(version)), { tags: ["1.0"], signal })).digest;
    },
  };
}

function offlineOnly(): RegistryClient {
  throw new DigestguardError("USAGE", "Cannot reach a registry in the demo: it runs offline on OCI layouts.");
}
