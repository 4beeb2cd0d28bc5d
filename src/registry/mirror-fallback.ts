import { DigestguardError } from "../errors/error.js";
import { isAborted } from "../errors/predicates.js";
import type { ReadOptions, RepositoryName } from "./client-types.js";
import { originEndpoint, readEndpoints, type Endpoint } from "./endpoints.js";

/**
 * Runs a read against each mirror of the registry, then the registry itself,
 * until one answers; a mirror's failure is only reported if the registry
 * fails too. `originOnly` asks the registry alone. An abort ends it at once.
 *
 * @example
 * ```ts
 * const tags = await readThroughMirrors(repo, mirrors, {}, (endpoint) => listTags(sender, endpoint, repo));
 * ```
 */
export async function readThroughMirrors<T>(
  repo: RepositoryName,
  mirrors: Record<string, string[]>,
  options: ReadOptions,
  operation: (endpoint: Endpoint) => Promise<T>,
): Promise<T> {
  const endpoints =
    options.originOnly === true ? [originEndpoint(repo.registry)] : readEndpoints(repo.registry, mirrors);
  const failures: { endpoint: Endpoint; error: unknown }[] = [];
  for (const endpoint of endpoints) {
    try {
      return await operation(endpoint);
    } catch (error) {
      if (isAborted(error)) throw error;
      failures.push({ endpoint, error });
    }
  }
  throw mostSpecificFailure(failures);
}

const UNREACHABLE = new Set(["NETWORK", "TIMEOUT", "TLS", "REGISTRY_UNAVAILABLE"]);

// When every endpoint failed, an answer (a mirror's 404) says more than not
// reaching a host at all (the origin's DNS); the others are named beside it.
function mostSpecificFailure(failures: { endpoint: Endpoint; error: unknown }[]): unknown {
  const last = failures[failures.length - 1];
  if (failures.length === 1 || last === undefined) return last?.error;
  const code = (error: unknown) => (error instanceof DigestguardError ? error.code : undefined);
  const chosen = [...failures].reverse().find((f) => !UNREACHABLE.has(code(f.error) ?? "")) ?? last;
  if (!(chosen.error instanceof DigestguardError)) return chosen.error;
  const others = failures.filter((f) => f !== chosen).map((f) => `${f.endpoint.host}: ${(f.error as Error).message}`);
  const message = `${chosen.error.message.replace(/\.$/, "")} (answer from ${chosen.endpoint.mirror ? "mirror " : ""}${chosen.endpoint.host}; also failed: ${others.join("; ")})`;
  return new DigestguardError(chosen.error.code, message, {
    cause: chosen.error,
    temporary: chosen.error.temporary,
    details: { ...chosen.error.details, endpoint: chosen.endpoint.host },
  });
}
