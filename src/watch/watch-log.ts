/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Where watch writes what it does: a message and structured fields. */
export type WatchLog = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/**
 * A logger writing one line per entry: JSON (`--log-format json`, for log
 * collectors) or `time level message key=value…` text.
 *
 * @example
 * ```ts
 * const log = lineLogger("json", (line) => process.stderr.write(line));
 * log("info", "cycle done", { checked: 10 });
 * ```
 */
export function lineLogger(format: "json" | "text", write: (line: string) => void): WatchLog {
  return (level, message, fields = {}) => {
    const time = new Date().toISOString();
    if (format === "json") {
      write(`${JSON.stringify({ time, level, msg: message, ...fields })}\n`);
      return;
    }
    const rest = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    write(`${time} ${level} ${message}${rest === "" ? "" : ` ${rest}`}\n`);
  };
}
