import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { resolveDigests } from "../digest/resolve-digests.js";
import { renderDigests } from "../digest/render-digests.js";
import { inspectImage } from "../inspect/inspect-image.js";
import { renderInspect } from "../inspect/render-inspect.js";
import { digestOf } from "../oci/digest.js";
import { parsePlatform } from "../oci/platform.js";
import { pinFiles } from "../pin/pin-files.js";
import { renderPin } from "../pin/render-pin.js";
import { renderCheck } from "../check/render-check.js";
import { checkExitCode, runCheck } from "../check/run-check.js";
import { createDemoWorld, type DemoWorld } from "./demo-world.js";
import { backUpBase, pinToBackup } from "./demo-backup.js";
import { corruptAndDiagnose } from "./demo-corruption.js";
import { demoWatch } from "./demo-watch.js";
import { indent } from "./indent.js";

const BASE = "demo.local/demo/base:1.0";

/**
 * The offline tour of the whole story, on OCI layouts served under the
 * registry name `demo.local` (no network): build a two-platform base image,
 * inspect it byte-exact, resolve index vs platform digests, pin a Dockerfile
 * and compose file with a lockfile, check the pins, back the image up, simulate an upstream
 * change that `check` catches, then corrupt one layer so `verify` catches it
 * and `diagnose` explains it; the backup made into an OCI layout with the
 * mirror copy engine stays good, and the pins move to it. The same library calls the CLI makes.
 *
 * @example
 * ```ts
 * await runDemo({ write: (text) => process.stdout.write(text) });
 * ```
 */
export async function runDemo(options: {
  dir?: string;
  write: (text: string) => void;
  signal?: AbortSignal;
}): Promise<DemoWorld> {
  const { write, signal } = options;
  const world = await createDemoWorld(options.dir);
  const cli = `digestguard --config ${world.configPath}`;
  write(`The demo works in ${world.dir}; "demo.local" is served from ${world.registryDir} (see digestguard.yaml).\n\n`);

  write(`== 1. A base image is published: two platforms, built locally\n`);
  write(`   demo.local/demo/base:1.0 -> ${await world.publishBase("1.0", signal)}\n\n`);
  await inspectAct(world, cli, write, signal);
  await pinAct(world, cli, write, signal);
  await backUpBase(world, cli, write, signal);
  const watch = demoWatch(world, cli, write, signal);
  try {
    write(`\n== 6. Upstream moves the tag: linux/amd64 gets a new os layer; watch sees it\n`);
    await watch.baseline();
    write(`   demo.local/demo/base:1.0 -> ${await world.publishBase("1.1", signal)}\n`);
    await watch.seeTheMove();
  } finally {
    await watch.close();
  }
  write(`   $ ${cli} check --strict --lockfile ${world.lockfilePath} ${world.projectDir}\n`);
  const drift = await runCheck({
    lockfilePath: world.lockfilePath,
    paths: [world.projectDir],
    open: world.open,
    signal,
  });
  write(indent(renderCheck(drift, "text", { version: "demo" })));
  write(
    `   exit ${checkExitCode(drift, { strict: true })}: the pin still holds the reviewed digest; "pin --update" would move it after review.\n`,
  );
  await corruptAndDiagnose(world, cli, write, signal);
  await pinToBackup(world, cli, write, signal);
  return world;
}

async function inspectAct(
  world: DemoWorld,
  cli: string,
  write: (text: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const { store, target, display } = await world.open(BASE);
  write(`== 2. ${cli} inspect ${BASE}\n`);
  const { report, bytes } = await inspectImage(store, target, { display, signal });
  write(indent(renderInspect(report)));
  write(
    `   inspect --raw | sha256sum -> ${digestOf(bytes).slice("sha256:".length)}  (the digest above: computed over the exact bytes)\n`,
  );
  write(`\n== 3. ${cli} digest ${BASE}   and   --platform linux/amd64\n`);
  const index = await resolveDigests([BASE], { open: world.open, signal });
  const amd = await resolveDigests([BASE], { open: world.open, platform: parsePlatform("linux/amd64"), signal });
  write(indent(renderDigests([...index, ...amd])));
  write(`   Pin the index digest for a multi-platform FROM; a platform digest pins one architecture only.\n`);
}

async function pinAct(
  world: DemoWorld,
  cli: string,
  write: (text: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  write(`\n== 4. ${cli} pin --lockfile ${world.lockfilePath} ${world.projectDir}\n`);
  const report = await pinFiles({
    paths: [world.projectDir],
    lockfilePath: world.lockfilePath,
    open: world.open,
    signal,
  });
  write(indent(renderPin(report)));
  const dockerfile = await readFile(join(world.projectDir, "Dockerfile"), "utf8");
  write(`   Dockerfile now:\n${indent(indent(dockerfile))}`);
  write(`   $ ${cli} check --lockfile ${world.lockfilePath} ${world.projectDir}\n`);
  const clean = await runCheck({
    lockfilePath: world.lockfilePath,
    paths: [world.projectDir],
    open: world.open,
    signal,
  });
  write(indent(renderCheck(clean, "text", { version: "demo" })));
}
