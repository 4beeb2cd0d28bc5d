import type { ErrorTool } from "./error-shapes.js";

/** What to run to drop the failing tool's own copy, and where that tool keeps its mirrors. */
export interface ToolAdvice {
  /** Steps that remove the bad or partial local copy, in the failing tool's own commands. */
  clean: string;
  /** Where the failing tool (not digestguard) is told to pull through a mirror. */
  mirrors: string;
}

const BUILDKIT: ToolAdvice = {
  clean:
    "Drop the builder's copy before retrying — BuildKit keeps a failed partial download and fails the same way: `docker builder prune` (or `buildctl prune`), and `docker image rm IMAGE` for a pulled image.",
  mirrors:
    'To pull through a mirror, configure it in the builder: `registry-mirrors` in /etc/docker/daemon.json for docker, or `[registry."docker.io"] mirrors` in buildkitd.toml.',
};
const DOCKERD: ToolAdvice = {
  clean:
    "Drop the daemon's copy before retrying: `docker image rm IMAGE` (and `docker builder prune` if a build pulled it).",
  mirrors:
    "To pull through a mirror, configure it in the daemon: `registry-mirrors` in /etc/docker/daemon.json, then restart dockerd.",
};
const CONTAINERD: ToolAdvice = {
  clean:
    "Drop containerd's copy before retrying: `ctr -n k8s.io content rm DIGEST` for the blob, `crictl rmi IMAGE` for the image (namespace `default` or `moby` outside Kubernetes).",
  mirrors:
    'To pull through a mirror, configure it in containerd: /etc/containerd/certs.d/HOST/hosts.toml (`[host."https://mirror"]`).',
};
const CONTAINERS_IMAGE: ToolAdvice = {
  clean:
    "Drop the local copy before retrying: `podman rmi IMAGE` (or `buildah rmi IMAGE`; `buildah rm` for a working container built from it).",
  mirrors:
    "To pull through a mirror, configure it for podman, buildah and skopeo: a `[[registry.mirror]]` entry in /etc/containers/registries.conf.",
};
const ANY: ToolAdvice = {
  clean:
    "Drop the builder's local copy before retrying: `docker builder prune` / `docker image rm IMAGE` (BuildKit, docker), `ctr -n k8s.io content rm DIGEST` / `crictl rmi IMAGE` (containerd, kubelet), `podman rmi IMAGE` (podman, buildah).",
  mirrors:
    "To pull through a mirror, configure it where the builder reads it: daemon.json `registry-mirrors` (docker), registries.conf `[[registry.mirror]]` (podman, buildah), containerd's hosts.toml (kubelet, nerdctl).",
};

/**
 * Advice in the words of the tool that failed: a kubelet user is not told to
 * run `docker builder prune`, a podman user learns where podman keeps mirrors.
 *
 * @example
 * ```ts
 * adviceFor("containerd").clean; // "Drop containerd's copy … `ctr -n k8s.io content rm DIGEST` …"
 * ```
 */
export function adviceFor(tool: ErrorTool | undefined, names: { digest?: string; image?: string } = {}): ToolAdvice {
  const advice =
    tool === "buildkit"
      ? BUILDKIT
      : tool === "dockerd"
        ? DOCKERD
        : tool === "containerd"
          ? CONTAINERD
          : tool === "containers-image"
            ? CONTAINERS_IMAGE
            : ANY;
  const fill = (text: string): string =>
    text.replaceAll("DIGEST", names.digest ?? "DIGEST").replaceAll("IMAGE", names.image ?? "IMAGE");
  return { clean: fill(advice.clean), mirrors: advice.mirrors };
}
