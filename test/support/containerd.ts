// Starts the real containerd (Debian package `containerd`) for a test: its
// own temporary root, state folder and socket, the CRI plugin disabled to
// keep it light, nothing shared with a containerd the machine may run.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { spawnTracked, type TrackedChild } from "./child-reaper.js";
import type { RequiredTool } from "./require-tool.js";

const run = promisify(execFile);

/** containerd and ctr, as the tests need them. */
export function containerdTool(): RequiredTool {
  return {
    name: "containerd",
    available: existsSync("/usr/bin/containerd") && existsSync("/usr/bin/ctr"),
    install: "apt-get install containerd",
  };
}

/** A containerd started for one test file. */
export interface RunningContainerd {
  root: string;
  address: string;
  namespace: string;
  /** `ctr` against this daemon, in its namespace. */
  ctr(args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** Path of blob `digest` in its content store. */
  blobPath(digest: string): string;
  stop(): Promise<void>;
}

/** Start containerd on a temporary root and socket; resolves once `ctr version` answers. */
export async function startContainerd(namespace = "digestguard-test"): Promise<RunningContainerd> {
  const dir = await mkdtemp(join(tmpdir(), "dg-containerd-"));
  const root = join(dir, "root");
  const address = join(dir, "containerd.sock");
  const config = join(dir, "config.toml");
  await writeFile(
    config,
    [
      "version = 2",
      `root = "${root}"`,
      `state = "${join(dir, "state")}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      "[grpc]",
      `  address = "${address}"`,
      "[ttrpc]",
      `  address = "${address}.ttrpc"`,
      "",
    ].join("\n"),
  );
  const daemon: TrackedChild = spawnTracked("/usr/bin/containerd", ["--config", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  daemon.child.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const ctr = (args: string[]) =>
    run("/usr/bin/ctr", ["--address", address, "-n", namespace, ...args], { maxBuffer: 16 << 20 });
  const stop = async () => {
    await daemon.kill();
    await rm(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt += 1) {
    try {
      await ctr(["version"]);
      break;
    } catch (error) {
      if (attempt >= 100 || daemon.child.exitCode !== null) {
        await stop();
        throw new Error(`containerd did not start: ${String(error)}\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    root,
    address,
    namespace,
    ctr,
    stop,
    blobPath: (digest) => join(root, "io.containerd.content.v1.content", "blobs", ...digest.split(":")),
  };
}
