import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { HARNESS_USER_AGENT, probe } from "./loopback.js";

/** One request as the registry itself recorded it. */
export interface RegistryRequest {
  method: string;
  /** Path and query exactly as requested, e.g. `/v2/app/manifests/latest`. */
  uri: string;
  status: number;
  /** Response body bytes the registry wrote. */
  bytes: number;
  userAgent: string;
  /** Timestamp as logged, e.g. `27/Nov/2026:22:19:28 +0000` (second precision). */
  time: string;
}

// distribution 2.8 writes its access log in Apache "combined" format on
// stdout whatever `log.formatter` says (the JSON formatter only applies to
// its application log on stderr), and that access log is the one record that
// includes requests rejected before routing, such as 401 challenges.
const COMBINED_LINE =
  /^\S+ \S+ \S+ \[([^\]]+)\] "(\S+) (\S+) [^"]*" (\d{3}) (\d+|-) "(?:[^"\\]|\\.)*" "((?:[^"\\]|\\.)*)"$/;

/**
 * Parse the registry's access log into requests, skipping every line that is
 * not an access-log line (the registry mixes nothing else into stdout today,
 * but a stray line must not break a benchmark).
 *
 * @example
 * ```ts
 * const requests = parseAccessLog(await readFile(stdoutFile, "utf8"));
 * const manifestGets = requests.filter((r) => r.method === "GET" && r.uri.includes("/manifests/"));
 * ```
 */
export function parseAccessLog(text: string): RegistryRequest[] {
  const requests: RegistryRequest[] = [];
  for (const line of text.split("\n")) {
    const match = COMBINED_LINE.exec(line.trimEnd());
    if (match === null) continue;
    const [, time, method, uri, status, bytes, userAgent] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    requests.push({
      method,
      uri,
      status: Number(status),
      bytes: bytes === "-" ? 0 : Number(bytes),
      userAgent,
      time,
    });
  }
  return requests;
}

const BARRIER_PREFIX = "/__digestguard-harness-barrier/";

/**
 * The registry writes an access-log line around the time it sends the last
 * bytes, so a client can see its response before the line exists. Asking for
 * a marker URL and waiting until its line is written makes every earlier
 * request visible. The harness's own requests (readiness polls, markers) are
 * left out, so counts reflect only what the code under test asked.
 *
 * @example
 * ```ts
 * const requests = await readRegistryRequestLog({ url: "http://127.0.0.1:5000", logFile });
 * ```
 */
export async function readRegistryRequestLog(options: {
  url: string;
  logFile: string;
  ca?: string;
  client?: { cert: string; key: string };
}): Promise<RegistryRequest[]> {
  const marker = `${BARRIER_PREFIX}${randomUUID()}`;
  await probe(`${options.url}${marker}`, {
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.client === undefined ? {} : { client: options.client }),
  });
  for (let waited = 0; ; waited += 10) {
    const text = await readFile(options.logFile, "utf8");
    if (text.includes(marker) || waited >= 2000) {
      return parseAccessLog(text).filter(
        (request) => request.userAgent !== HARNESS_USER_AGENT && !request.uri.startsWith(BARRIER_PREFIX),
      );
    }
    await sleep(10);
  }
}
