import { DigestguardError } from "../errors/error.js";
import type { WatchLog } from "../watch/watch-log.js";
import { errorReply } from "./respond.js";
import type { Reply } from "./router.js";

/**
 * The answer to a request whose route threw. A DigestguardError answers its
 * own status, code and message; anything else is a 500 whose body only says
 * "see the watch log", so it is written to the watch log here: the route,
 * the error, and its stack only with DIGESTGUARD_DEBUG=1 (as for the CLI).
 *
 * @example
 * ```ts
 * failureReply(new TypeError("x is undefined"), "GET /api/v1/images", log); // 500, and one "error" line in the log
 * ```
 */
export function failureReply(error: unknown, route: string, log: WatchLog): Reply {
  const status = error instanceof DigestguardError ? statusOf(error) : 500;
  if (status === 500) {
    const stack = process.env["DIGESTGUARD_DEBUG"] === "1" && error instanceof Error ? { stack: error.stack } : {};
    log("error", "dashboard request failed", { route, error: String(error), ...stack });
  }
  if (error instanceof DigestguardError) return errorReply(status, error.code, error.message);
  return errorReply(500, "INTERNAL", "Cannot answer: the dashboard failed; see the watch log.");
}

function statusOf(error: DigestguardError): number {
  if (error.code === "NOT_FOUND" || error.code === "MANIFEST_UNKNOWN") return 404;
  if (error.exitCode === 2) return 400;
  if (error.code === "HISTORY_BUSY") return 503;
  return 500;
}
