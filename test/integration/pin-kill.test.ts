import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { buildFixtureImages } from "../support/fixture-images.js";
import { pushImage } from "../support/noise-image.js";
import { leftovers, pinsOf, runCliAndSignal, type KilledRun } from "../support/pin-kill.js";
import { makeProject, type PinProject } from "../support/pin-project.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";

// `pin` over 200 Dockerfiles, interrupted at random moments. After SIGTERM
// what it prints must match the disk (nothing or everything written); after
// SIGKILL `pin --check` must report every pinned file the lockfile lacks; and
// the next run leaves no temp file and converges. DG_PIN_KILL_ROUNDS raises
// the number of rounds per signal (bench/pin-kill-bench.ts runs 20).

const FILES = 200;
const REPOS = 4;
const ROUNDS = Number(process.env.DG_PIN_KILL_ROUNDS ?? 3);

describe("pin interrupted at random moments", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let project: PinProject;
  let fullRunMs = 1000;
  const files = Array.from({ length: FILES }, (_, i) => `d${String(i).padStart(3, "0")}/Dockerfile`);
  const original = (i: number) => `# file ${i}\nFROM ${registry.host}/team/k${i % REPOS}:1\n`;
  const restore = async () => {
    await Promise.all(files.map((file, i) => project.write(file, original(i))));
    await rm(project.path("digestguard.lock"), { force: true });
  };

  before(async () => {
    registry = await startRegistry({ mode: "http" });
    const images = await buildFixtureImages("pin-kill");
    for (let k = 0; k < REPOS; k++) await pushImage(registry, `team/k${k}`, images.ociSingle, ["1"]);
    project = await makeProject("pin-kill", {});
    await restore();
    const started = performance.now();
    const res = await runCli(["pin", "."], { cwd: project.dir });
    fullRunMs = performance.now() - started;
    assert.equal(res.exitCode, 0, res.stderr);
  });
  after(async () => {
    await project?.cleanup();
    await registry?.stop();
  });

  /** Every pinned file whose digest the lockfile lacks for its reference. */
  const unlockedPins = async (): Promise<string[]> => {
    const lock = await project.lock().catch(() => ({ images: [] as { reference: string; digest: string }[] }));
    const pins = await pinsOf(project.dir, files);
    return files.filter((file, i) => {
      const digest = pins.get(file);
      const entry = lock.images.find((e) => e.reference === `${registry.host}/team/k${i % REPOS}:1`);
      return digest !== undefined && entry?.digest !== digest;
    });
  };

  const converges = async (what: string) => {
    const res = await runCli(["pin", "."], { cwd: project.dir });
    assert.equal(res.exitCode, 0, `${what}: ${res.stderr}`);
    assert.deepEqual(await leftovers(project.dir), [], `${what}: the next run leaves no temp file, journal or lock`);
    assert.deepEqual(await unlockedPins(), [], what);
    assert.ok(
      [...(await pinsOf(project.dir, files)).values()].every((d) => d !== undefined),
      `${what}: every file pinned`,
    );
    assert.equal((await runCli(["pin", "--check", "."], { cwd: project.dir })).exitCode, 0, what);
  };

  const assertToldTruth = async (run: KilledRun, what: string) => {
    const pins = [...(await pinsOf(project.dir, files)).values()];
    const lockExists = await project.lock().then(
      () => true,
      () => false,
    );
    if (/nothing was written/.test(run.stderr)) {
      assert.ok(
        pins.every((d) => d === undefined) && !lockExists,
        `${what}: said "nothing was written" but found writes`,
      );
    } else if (/all written/.test(run.stderr) || run.exitCode === 0) {
      assert.ok(
        pins.every((d) => d !== undefined) && lockExists,
        `${what}: said all written but not every file is pinned`,
      );
      assert.deepEqual(await unlockedPins(), [], what);
    } else {
      // Killed by the default handler before the CLI installed its own: it had not started.
      assert.equal(run.signal, "SIGTERM", `${what}: ${run.stderr}`);
      assert.ok(
        pins.every((d) => d === undefined) && !lockExists,
        `${what}: killed before starting, yet files changed`,
      );
    }
    assert.deepEqual(await leftovers(project.dir), [], `${what}: a SIGTERM run cleans up after itself`);
  };

  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    test(`${signal} at ${ROUNDS} random moments: the disk matches what is said, check reports gaps, the next run converges`, {
      timeout: 120_000,
    }, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        await restore();
        const delayMs = Math.round(Math.random() * fullRunMs * 1.1);
        const what = `${signal} round ${round} after ${delayMs} ms`;
        const run = await runCliAndSignal(["pin", "."], { cwd: project.dir, signal, delayMs });
        if (signal === "SIGTERM") await assertToldTruth(run, what);
        else {
          const gaps = await unlockedPins();
          const check = await runCli(["pin", "--check", "."], { cwd: project.dir });
          const out = check.stdout.toString();
          const interrupted = /\[pin-interrupted\]/.test(out);
          for (const file of gaps)
            assert.ok(interrupted || out.includes(`${file}:2: error`), `${what}: pin --check does not report ${file}`);
          if (gaps.length > 0) assert.equal(check.exitCode, 1, what);
        }
        await converges(what);
      }
    });
  }
});
