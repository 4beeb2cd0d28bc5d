// Module hooks (they run on node's loader thread) that append the URL of
// every module loaded through the ES module loader to a file, one a line.
// Registered by module-load-recorder.ts.
import { appendFileSync } from "node:fs";

let logFile: string | undefined;

/** Receives the log file path from `register`. */
export function initialize(data: { logFile: string }): void {
  logFile = data.logFile;
}

/** Records each module as it loads. */
export async function load(
  url: string,
  context: object,
  nextLoad: (url: string, context: object) => Promise<unknown>,
): Promise<unknown> {
  if (logFile !== undefined) appendFileSync(logFile, `${url}\n`);
  return nextLoad(url, context);
}
