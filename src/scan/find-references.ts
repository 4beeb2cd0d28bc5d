import { findComposeReferences } from "./compose-references.js";
import { findDockerfileReferences } from "./dockerfile-references.js";
import type { FoundReference } from "./found-reference.js";
import { findKubernetesReferences } from "./kubernetes-references.js";
import { findWorkflowReferences } from "./workflow-references.js";

/** The kinds of file image references are looked for in. */
export type FileKind = "dockerfile" | "compose" | "kubernetes" | "workflow";

const DOCKERFILE_NAME = /^(?:dockerfile|containerfile)(?:\..+)?$|.\.(?:dockerfile|containerfile)$/i;
const COMPOSE_NAME = /^(?:docker-compose.*|compose(?:\..+)?)\.ya?ml$/;
const YAML_NAME = /\.ya?ml$/;
// Files beside Dockerfiles that share their prefix but are not Dockerfiles.
const NOT_A_DOCKERFILE = /\.(?:dockerignore|md|txt|json|ya?ml|sh|bak|orig|swp)$/i;

/**
 * What kind of file a path names, by name alone: `Dockerfile`, `*.Dockerfile`,
 * `Dockerfile.*` and `Containerfile(.*)` are Dockerfiles; `compose.y(a)ml`,
 * `compose.*.y(a)ml` and `docker-compose*.y(a)ml` compose files; YAML under
 * `.github/workflows/` workflows; any other YAML a Kubernetes candidate (its
 * content decides: documents without `apiVersion` and `kind` yield nothing).
 *
 * @example
 * ```ts
 * classifyFile("build/api.Dockerfile"); // "dockerfile"
 * classifyFile(".github/workflows/ci.yml"); // "workflow"
 * classifyFile("README.md"); // undefined
 * ```
 */
export function classifyFile(path: string): FileKind | undefined {
  const parts = path.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? "";
  if (DOCKERFILE_NAME.test(name) && !NOT_A_DOCKERFILE.test(name)) return "dockerfile";
  if (COMPOSE_NAME.test(name)) return "compose";
  if (!YAML_NAME.test(name)) return undefined;
  const folder = parts.slice(-3, -1).join("/");
  return folder === ".github/workflows" ? "workflow" : "kubernetes";
}

/**
 * Find the image references in a file's text, read as the given kind.
 *
 * @example
 * ```ts
 * findReferences("FROM alpine:3.19\n", "Dockerfile", "dockerfile")[0].resolved; // "alpine:3.19"
 * ```
 */
export function findReferences(text: string, file: string, kind: FileKind): FoundReference[] {
  switch (kind) {
    case "dockerfile":
      return findDockerfileReferences(text, file);
    case "compose":
      return findComposeReferences(text, file);
    case "kubernetes":
      return findKubernetesReferences(text, file);
    case "workflow":
      return findWorkflowReferences(text, file);
  }
}

/**
 * Find the image references in a file, its kind taken from its name
 * ({@link classifyFile}). A file whose name says nothing was named on the
 * command line on purpose and is read as a Dockerfile.
 *
 * @example
 * ```ts
 * findReferencesInFile(await readFile("docker/app.build", "utf8"), "docker/app.build");
 * ```
 */
export function findReferencesInFile(text: string, file: string): FoundReference[] {
  return findReferences(text, file, classifyFile(file) ?? "dockerfile");
}
