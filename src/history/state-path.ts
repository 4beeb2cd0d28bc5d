import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where the history database lives unless configured: the user's state
 * folder (`$XDG_STATE_HOME`, else `~/.local/state`) under `digestguard/`.
 *
 * @example
 * ```ts
 * defaultHistoryPath({ XDG_STATE_HOME: "/state" }); // "/state/digestguard/history.sqlite"
 * ```
 */
export function defaultHistoryPath(env: NodeJS.ProcessEnv = process.env): string {
  const state =
    env["XDG_STATE_HOME"] !== undefined && env["XDG_STATE_HOME"] !== ""
      ? env["XDG_STATE_HOME"]
      : join(homedir(), ".local", "state");
  return join(state, "digestguard", "history.sqlite");
}
