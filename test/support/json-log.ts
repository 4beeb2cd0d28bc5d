import type { ChildProcess } from "node:child_process";

/** One line of `--log-format json`. */
export type LogEntry = { level: string; msg: string } & Record<string, unknown>;

/**
 * Follow a child's JSON log on stderr: every entry so far, and a wait for
 * the next entry that matches (rejecting after `timeoutMs` with what came).
 *
 * @example
 * ```ts
 * const log = jsonLog(child);
 * await log.next((e) => e.msg === "cycle done");
 * ```
 */
export function jsonLog(child: ChildProcess) {
  const entries: LogEntry[] = [];
  const waiters: { match: (e: LogEntry) => boolean; resolve: (e: LogEntry) => void }[] = [];
  let rest = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    const lines = (rest + chunk.toString("utf8")).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines.filter((l) => l.trim() !== "")) {
      const entry = JSON.parse(line) as LogEntry;
      entries.push(entry);
      for (const waiter of waiters.splice(0).filter((w) => !w.match(entry) || (w.resolve(entry), false)))
        waiters.push(waiter);
    }
  });
  const next = (match: (e: LogEntry) => boolean, timeoutMs = 30_000): Promise<LogEntry> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching log line in ${timeoutMs} ms; got ${JSON.stringify(entries)}`)),
        timeoutMs,
      );
      waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  return { entries, next };
}
