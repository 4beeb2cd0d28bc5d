import { writeSync } from "node:fs";
import { ExitCode } from "../errors/error.js";

/**
 * Whether the command line asks for JSON (`--json`, `--format json`,
 * `--format=json`). Read from argv because commander reports a usage
 * mistake before it has parsed the flags into options.
 *
 * @example
 * ```ts
 * argvAsksForJson(["node", "dg", "tags", "--json", "--bogus"]); // true
 * ```
 */
export function argvAsksForJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  const flags = end === -1 ? argv : argv.slice(0, end);
  return flags.some(
    (arg, i) => arg === "--json" || arg === "--format=json" || (arg === "--format" && flags[i + 1] === "json"),
  );
}

/**
 * Commander's output hooks and exit: a usage mistake exits 2 (1 means
 * "findings" here), and with JSON asked for it is told as the same
 * `{"schemaVersion":1,"error":{code,message,exitCode}}` document on stdout
 * that every other `--json` failure is.
 *
 * @example
 * ```ts
 * const usage = usageErrors(process.argv);
 * program.configureOutput({ outputError: usage.outputError }).exitOverride(usage.exit);
 * ```
 */
export function usageErrors(argv: readonly string[]): {
  outputError(text: string, write: (text: string) => void): void;
  exit(error: { exitCode: number }): never;
} {
  const json = argvAsksForJson(argv);
  return {
    outputError(text, write) {
      if (!json) return write(text);
      const reason = text.trim().replace(/^error:\s*/, "");
      const document = {
        schemaVersion: 1,
        error: { code: "USAGE", message: `Cannot run: ${reason}; see digestguard --help.`, exitCode: ExitCode.usage },
      };
      // Written at once: commander exits right after this.
      writeSync(1, `${JSON.stringify(document, null, 2)}\n`);
    },
    exit(error) {
      process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
    },
  };
}
