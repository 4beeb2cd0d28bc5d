/** A program integration tests depend on, and how to get it. */
export interface RequiredTool {
  /** Short name for messages, e.g. "docker-registry". */
  name: string;
  available: boolean;
  /** How to install it, e.g. "apt-get install docker-registry". */
  install: string;
}

/** Whether the `CI` environment variable asks for strictness (set and not "false"/"0"). */
export function runningInCi(): boolean {
  const value = process.env.CI;
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

/**
 * Why a suite should be skipped, or `false` to run it. In CI a missing tool
 * never skips: the suite runs and fails loudly, because a silently skipped
 * integration suite is how regressions slip through.
 *
 * @example
 * ```ts
 * describe("against the registry", { skip: toolSkipReason(tool) }, () => { ... });
 * ```
 */
export function toolSkipReason(tool: RequiredTool): string | false {
  if (tool.available || runningInCi()) return false;
  return `${tool.name} is not installed (${tool.install}); skipping`;
}

/**
 * For use at the top of a test: returns true when the tool is there; skips
 * the test and returns false when it is missing; throws when it is missing
 * in CI so the test fails instead.
 *
 * @example
 * ```ts
 * it("copies", (t) => { if (!requireToolOrSkip(t, tool)) return; ... });
 * ```
 */
export function requireToolOrSkip(t: { skip(message?: string): void }, tool: RequiredTool): boolean {
  if (tool.available) return true;
  if (runningInCi()) {
    throw new Error(
      `Cannot run this integration test: ${tool.name} is required when CI is set but is not installed (${tool.install}).`,
    );
  }
  t.skip(`${tool.name} is not installed (${tool.install})`);
  return false;
}
