import { setMaxListeners } from "node:events";
import { DigestguardError, ExitCode } from "../errors/error.js";

/** What an action gets: a signal that fires on Ctrl-C. */
export interface ActionContext {
  signal: AbortSignal;
}

/**
 * Run a command's action with the process-wide contract: Ctrl-C aborts the
 * in-flight work (a second Ctrl-C exits at once), a DigestguardError prints
 * `digestguard: error CODE: message` and exits with its documented code, and
 * anything unexpected exits 70 (the stack only with DIGESTGUARD_DEBUG=1).
 *
 * @example
 * ```ts
 * await runAction(async ({ signal }) => { ...; return 0; });
 * ```
 */
export async function runAction(action: (context: ActionContext) => Promise<number>): Promise<void> {
  const controller = new AbortController();
  // Every in-flight request listens on this one signal; many at once is expected, not a leak.
  setMaxListeners(0, controller.signal);
  const onInterrupt = (): void => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort();
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onInterrupt);
  try {
    process.exitCode = await action({ signal: controller.signal });
  } catch (error) {
    process.exitCode = reportError(error, controller.signal.aborted);
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}

function reportError(error: unknown, interrupted: boolean): number {
  if (interrupted) {
    // A command that knows what reached the disk says so; the rest only promise their atomic writes.
    const outcome = error instanceof DigestguardError ? error.details.outcome : undefined;
    process.stderr.write(`digestguard: interrupted; ${typeof outcome === "string" ? outcome : "no file was left half-written"}.\n`);
    return ExitCode.interrupted;
  }
  if (error instanceof DigestguardError) {
    process.stderr.write(`digestguard: error ${error.code}: ${error.message}\n`);
    return error.exitCode;
  }
  return reportInternalError(error);
}

/**
 * Report a bug of digestguard's own (anything that is not a DigestguardError)
 * and give its exit code, 70. The stack is for bug reports, so it is shown
 * only with `DIGESTGUARD_DEBUG=1`; users see one line.
 *
 * @example
 * ```ts
 * process.exitCode = reportInternalError(new TypeError("x is undefined"));
 * ```
 */
export function reportInternalError(error: unknown, env: NodeJS.ProcessEnv = process.env): number {
  const debug = env["DIGESTGUARD_DEBUG"] === "1";
  const detail = debug ? ((error as Error)?.stack ?? String(error)) : ((error as Error)?.message ?? String(error)).split("\n")[0];
  const hint = debug ? "" : " (run with DIGESTGUARD_DEBUG=1 for the stack trace)";
  process.stderr.write(`digestguard: internal error, please report it: ${detail}${hint}\n`);
  return ExitCode.internal;
}
