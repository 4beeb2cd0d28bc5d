import { DigestguardError } from "../errors/error.js";
import { parseRepository } from "../oci/reference.js";

/**
 * Expand a sync target template for a source repository: `{registry}` is
 * the source's registry host, `{repo}` its repository path, `{name}` the
 * last part of that path. The result must name a registry repository.
 *
 * @example
 * ```ts
 * expandTarget("127.0.0.1:5001/hub/{repo}", { registry: "docker.io", repository: "library/alpine" });
 * // { registry: "127.0.0.1:5001", repository: "hub/library/alpine" }
 * ```
 */
export function expandTarget(
  template: string,
  source: { registry: string; repository: string },
): { registry: string; repository: string } {
  const values: Record<string, string> = {
    registry: source.registry,
    repo: source.repository,
    name: source.repository.split("/").pop() ?? source.repository,
  };
  const text = template.replace(/\{([a-z]+)\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw invalid(template, `${whole} is not one of {registry}, {repo}, {name}`);
    return value;
  });
  if (!/^[^/]*[.:][^/]*\//.test(text) && !text.startsWith("localhost/"))
    throw invalid(template, `${text} names no registry host`);
  try {
    return parseRepository(text);
  } catch (error) {
    throw invalid(template, (error as Error).message);
  }
}

function invalid(template: string, reason: string): DigestguardError {
  return new DigestguardError(
    "CONFIG_INVALID",
    `Cannot use the sync target ${JSON.stringify(template)}: ${reason}; write it as HOST[:PORT]/PATH with {registry}, {repo} or {name}.`,
  );
}

/**
 * Every registry a sync section names, sources and targets (for `--creds`,
 * which applies only to registries named in the call). Entries that do not
 * parse are left out: the sync reports them itself.
 *
 * @example
 * ```ts
 * syncRegistries({ version: 1, target: "127.0.0.1:5001/{repo}", images: [{ source: "alpine" }] }); // docker.io, 127.0.0.1:5001
 * ```
 */
export function syncRegistries(settings: {
  target?: string;
  images: readonly { source: string; target?: string }[];
}): Set<string> {
  const hosts = new Set<string>();
  for (const image of settings.images) {
    try {
      const source = parseRepository(image.source);
      hosts.add(source.registry);
      const template = image.target ?? settings.target;
      if (template !== undefined) hosts.add(expandTarget(template, source).registry);
    } catch {
      // reported by the sync itself
    }
  }
  return hosts;
}
