import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnTracked, type TrackedChild } from "./child-reaper.js";
import { runCaptured, toolVersion, waitFor, type CapturedRun } from "./record-error-texts-run.js";
import { skopeo, skopeoAvailable } from "./skopeo.js";

/** A real client that pulls an image the way a user would, with its output captured. */
export interface PullingTool {
  /** File stem prefix: `skopeo`, `podman`, `ctr`, `docker`, `buildkit`, … */
  name: string;
  /** What the fixture's `source` says, e.g. "recorded with skopeo version 1.9.3". */
  source: string;
  /** Only these cases (default: all); for tools whose other texts would repeat another tool's. */
  cases?: readonly string[];
  /** Pull `reference` from a plain-HTTP loopback registry. */
  pull(reference: string): Promise<CapturedRun>;
}

const SKOPEO = "/usr/bin/skopeo";
const PODMAN = "/usr/bin/podman";
const BUILDAH = "/usr/bin/buildah";
const CTR = "/usr/bin/ctr";
const CONTAINERD = "/usr/bin/containerd";
const DOCKERD = "/usr/sbin/dockerd";
// Debian's docker.io client (20.10) still runs BuildKit builds without the buildx plugin.
const DOCKER = "/usr/bin/docker";

/**
 * The tools installed on this machine, each with fresh private state under
 * `dir` (a podman/buildah storage root per pull, a containerd and a dockerd
 * started as children on sockets in `dir`). `stop` ends the daemons.
 *
 * @example
 * ```ts
 * const { tools, stop } = await startTools(dir);
 * for (const tool of tools) console.log(tool.source);
 * await stop();
 * ```
 */
export async function startTools(dir: string): Promise<{ tools: PullingTool[]; stop(): Promise<void> }> {
  const policy = join(dir, "policy.json");
  await writeFile(policy, JSON.stringify({ default: [{ type: "insecureAcceptAnything" }] }));
  // containers-image tools refuse a REGISTRY_AUTH_FILE that does not exist; an empty one keeps the user's own away.
  await writeFile(join(dir, "no-auth.json"), "{}");
  const registriesConf = join(dir, "registries.conf");
  await writeFile(registriesConf, "unqualified-search-registries = []\n");
  const env = {
    ...process.env,
    CONTAINERS_REGISTRIES_CONF: registriesConf,
    REGISTRY_AUTH_FILE: join(dir, "no-auth.json"),
  };
  const tools: PullingTool[] = [];
  const daemons: TrackedChild[] = [];
  const skopeoVersion = skopeoAvailable() ? toolVersion(SKOPEO) : undefined;
  if (skopeoVersion !== undefined) {
    tools.push({
      name: "skopeo",
      source: `recorded with ${skopeoVersion}`,
      pull: async (ref) => {
        const target = await mkdtemp(join(dir, "oci-"));
        const args = ["copy", "--src-tls-verify=false", `docker://${ref}`, `oci:${target}:1`];
        // skopeo writes progress to stdout and the failure to stderr, so this is the order a terminal shows.
        const { stdout, stderr, exitCode } = await skopeo(args, { timeoutMs: 180_000 });
        return { command: `skopeo ${args.join(" ")}`, text: stdout + stderr, exitCode };
      },
    });
  }
  for (const [name, file] of [
    ["podman", PODMAN],
    ["buildah", BUILDAH],
  ] as const) {
    const version = toolVersion(file);
    if (version === undefined) continue;
    tools.push({
      name,
      source: `recorded with ${version}`,
      pull: async (ref) => {
        const root = await mkdtemp(join(dir, `${name}-`));
        const storage = ["--root", join(root, "root"), "--runroot", join(root, "run"), "--storage-driver", "vfs"];
        const args = ["pull", "--tls-verify=false", ref];
        return runCaptured(file, [...storage, ...args.slice(0, 1), "--signature-policy", policy, ...args.slice(1)], {
          dir,
          env,
          shown: `${name} ${args.join(" ")}`,
        });
      },
    });
  }
  const podmanVersion = toolVersion(PODMAN);
  if (podmanVersion !== undefined) {
    tools.push({
      name: "podman-build",
      source: `recorded with ${podmanVersion} (podman build)`,
      cases: ["layer-flip", "layer-empty"],
      pull: async (ref) => {
        const root = await mkdtemp(join(dir, "podman-build-"));
        // podman build refuses a run root path longer than 50 characters.
        const runRoot = await mkdtemp(join(tmpdir(), "dgpb-"));
        await writeFile(join(root, "Dockerfile"), `FROM ${ref}\nRUN true\n`);
        const storage = ["--root", join(root, "root"), "--runroot", runRoot, "--storage-driver", "vfs"];
        try {
          return await runCaptured(
            PODMAN,
            [...storage, "build", "--signature-policy", policy, "--tls-verify=false", root],
            {
              dir,
              env,
              shown: "podman build --tls-verify=false .",
            },
          );
        } finally {
          await rm(runRoot, { recursive: true, force: true });
        }
      },
    });
  }
  const containerd = await startDaemon("containerd", () => startContainerd(dir));
  if (containerd !== undefined) {
    daemons.push(containerd.child);
    tools.push({
      name: "ctr",
      source: `recorded with ${containerd.version}`,
      pull: (ref) => {
        const args = ["images", "pull", "--plain-http", ref];
        return runCaptured(CTR, ["--address", containerd.socket, ...args], {
          dir,
          env,
          shown: `ctr ${args.join(" ")}`,
        });
      },
    });
    const dockerd = await startDaemon("dockerd", () => startDockerd(dir, containerd.socket));
    if (dockerd !== undefined) {
      daemons.push(dockerd.child);
      const dockerEnv = { ...env, DOCKER_HOST: `unix://${dockerd.socket}`, DOCKER_CONFIG: join(dir, "docker-config") };
      tools.push({
        name: "dockerd",
        source: `recorded with dockerd ${dockerd.version} (docker pull)`,
        pull: (ref) => runCaptured(DOCKER, ["pull", ref], { dir, env: dockerEnv, shown: `docker pull ${ref}` }),
      });
      tools.push({
        name: "buildkit",
        source: `recorded with the BuildKit of dockerd ${dockerd.version} (DOCKER_BUILDKIT=1 docker build --progress=plain)`,
        pull: async (ref) => {
          const context = await mkdtemp(join(dir, "build-"));
          await writeFile(join(context, "Dockerfile"), `FROM ${ref}\nRUN true\n`);
          // No network for RUN: the daemon runs without a bridge, and the FROM is what is being recorded.
          return runCaptured(DOCKER, ["build", "--progress=plain", "--no-cache", "--network=none", context], {
            dir,
            env: { ...dockerEnv, DOCKER_BUILDKIT: "1" },
            shown: `DOCKER_BUILDKIT=1 docker build --progress=plain .`,
          });
        },
      });
    }
  }
  return { tools, stop: async () => void (await Promise.all(daemons.reverse().map((daemon) => daemon.kill(10_000)))) };
}

/** A daemon that cannot start here (no permission, no kernel feature) costs its tools, not the recording. */
async function startDaemon<T>(name: string, start: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await start();
  } catch (error) {
    console.warn(`${name} not started, its tools are skipped: ${(error as Error).message}`);
    return undefined;
  }
}

async function startContainerd(
  dir: string,
): Promise<{ child: TrackedChild; socket: string; version: string } | undefined> {
  const version = toolVersion(CONTAINERD);
  if (version === undefined || !existsSync(CTR)) return undefined;
  const home = join(dir, "containerd");
  await mkdir(home, { recursive: true });
  const socket = join(home, "containerd.sock");
  // The CRI plugin wants a Kubernetes-style setup; a puller needs only content, metadata and snapshots.
  await writeFile(
    join(home, "config.toml"),
    [
      "version = 2",
      `root = "${home}/root"`,
      `state = "${home}/state"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      "[grpc]",
      `  address = "${socket}"`,
      "[ttrpc]",
      `  address = "${socket}.ttrpc"`,
    ].join("\n"),
  );
  const child = spawnTracked(CONTAINERD, ["--config", join(home, "config.toml")], { stdio: "ignore" });
  await waitFor(() => execFileSync(CTR, ["--address", socket, "version"], { stdio: "ignore" }), 30_000, "containerd");
  return {
    child,
    socket,
    version: version
      .replace(/^containerd github\.com\/containerd\/containerd /, "containerd ")
      .split(" ")
      .slice(0, 2)
      .join(" "),
  };
}

async function startDockerd(
  dir: string,
  containerdSocket: string,
): Promise<{ child: TrackedChild; socket: string; version: string } | undefined> {
  const version = toolVersion(DOCKERD);
  if (version === undefined || !existsSync(DOCKER)) return undefined;
  const home = join(dir, "dockerd");
  await mkdir(home, { recursive: true });
  const socket = join(home, "docker.sock");
  // No iptables or bridge: nothing here runs a networked container, and a sandbox may forbid both.
  const child = spawnTracked(
    DOCKERD,
    [
      "--data-root",
      join(home, "root"),
      "--exec-root",
      join(home, "exec"),
      "--pidfile",
      join(home, "pid"),
      "-H",
      `unix://${socket}`,
      "--containerd",
      containerdSocket,
      "--iptables=false",
      "--ip6tables=false",
      "--bridge=none",
    ],
    { stdio: "ignore" },
  );
  await waitFor(
    () => execFileSync(DOCKER, ["-H", `unix://${socket}`, "version"], { stdio: "ignore" }),
    60_000,
    "dockerd",
  );
  return { child, socket, version: version.replace(/^Docker version /, "").replace(/, build .*/, "") };
}
