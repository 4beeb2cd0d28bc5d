import { setMaxListeners } from "node:events";
import { DigestguardError, ExitCode } from "../errors/error.js";
import { painter, useColor } from "./color.js";
import { writeOut } from "./write-out.js";

/** What an action gets: a signal that fires on Ctrl-C. */
export interface ActionContext {
  signal: AbortSignal;
}

/** The parsed flags that decide how a failure is told: JSON (`--json`, `--format json`) and colour. */
export interface OutputFlags {
  json?: boolean;
  format?: string;
  color?: string;
}

/** The document a `--json` run prints on stdout when it fails. */
export interface ErrorDocument {
  schemaVersion: 1;
  error: { code: string; message: string; exitCode: number };
}

/**
 * Run a command's action with the process-wide contract: Ctrl-C aborts the
 * in-flight work (a second Ctrl-C exits at once), a DigestguardError prints
 * `digestguard: error CODE: message` and exits with its documented code, and
 * anything unexpected exits 70 (the stack only with DIGESTGUARD_DEBUG=1).
 * When the flags ask for JSON, the failure is instead one {@link ErrorDocument}
 * on stdout, so a script reading stdout always gets JSON.
 *
 * @example
 * ```ts
 * await runAction(async ({ signal }) => { ...; return 0; }, command.optsWithGlobals());
 * ```
 */
export async function runAction(
  action: (context: ActionContext) => Promise<number>,
  flags: OutputFlags = {},
): Promise<void> {
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
    process.exitCode = await reportError(error, controller.signal.aborted, flags);
  } finally {
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}

async function reportError(error: unknown, interrupted: boolean, flags: OutputFlags): Promise<number> {
  const json = flags.json === true || flags.format === "json";
  if (interrupted) {
    // A command that knows what reached the disk says so; the rest only promise their atomic writes.
    const outcome = error instanceof DigestguardError ? error.details.outcome : undefined;
    const message = `interrupted; ${typeof outcome === "string" ? outcome : "no file was left half-written"}.`;
    if (json)
      return printErrorDocument("ABORTED", `${message[0]?.toUpperCase()}${message.slice(1)}`, ExitCode.interrupted);
    process.stderr.write(`digestguard: ${message}\n`);
    return ExitCode.interrupted;
  }
  if (error instanceof DigestguardError) {
    if (json) return printErrorDocument(error.code, error.message, error.exitCode);
    const paint = painter(useColor(flags.color, process.stderr));
    process.stderr.write(`digestguard: ${paint("bad", `error ${error.code}`)}: ${error.message}\n`);
    return error.exitCode;
  }
  const exitCode = reportInternalError(error);
  if (json) await printErrorDocument("INTERNAL", `Internal error, please report it: ${oneLine(error)}`, exitCode);
  return exitCode;
}

/**
 * Print `{"schemaVersion":1,"error":{code,message,exitCode}}` on stdout and
 * give the exit code; every `--json` failure has this shape.
 *
 * @example
 * ```ts
 * process.exitCode = await printErrorDocument("USAGE", "Cannot …", 2);
 * ```
 */
export async function printErrorDocument(code: string, message: string, exitCode: number): Promise<number> {
  const document: ErrorDocument = { schemaVersion: 1, error: { code, message, exitCode } };
  await writeOut(`${JSON.stringify(document, null, 2)}\n`);
  return exitCode;
}

function oneLine(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).split("\n")[0] as string;
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
  const detail = debug ? ((error as Error)?.stack ?? String(error)) : oneLine(error);
  const hint = debug ? "" : " (run with DIGESTGUARD_DEBUG=1 for the stack trace)";
  process.stderr.write(`digestguard: internal error, please report it: ${detail}${hint}\n`);
  return ExitCode.internal;
}
