import { closeSync, openSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { spawnTracked, type TrackedChild } from "./child-reaper.js";
import { probe } from "./loopback.js";

/** Where the registry binary lives (Debian package `docker-registry`). */
export const REGISTRY_BINARY = "/usr/bin/docker-registry";

/** Options for {@link launchRegistryProcess}. */
export interface LaunchOptions {
  configFile: string;
  /** Receives the access log (combined format). */
  stdoutFile: string;
  /** Receives the JSON application log. */
  stderrFile: string;
  /** Base URL to poll, e.g. `https://127.0.0.1:5000`. */
  url: string;
  ca?: string;
  /** Client certificate the readiness poll shows (mutual TLS). */
  client?: { cert: string; key: string };
  signal?: AbortSignal;
  readyTimeoutMs?: number;
}

/**
 * Start `docker-registry serve CONFIG` with its output going to files, and
 * resolve once `GET /v2/` answers 200 or 401 (auth modes answer 401 when
 * ready). On failure the process is killed and the error carries the end of
 * its stderr, which is where distribution explains bad configuration.
 *
 * @example
 * ```ts
 * const child = await launchRegistryProcess({ configFile, stdoutFile, stderrFile, url: "http://127.0.0.1:5000" });
 * ```
 */
export async function launchRegistryProcess(options: LaunchOptions): Promise<TrackedChild> {
  options.signal?.throwIfAborted();
  const out = openSync(options.stdoutFile, "a");
  const err = openSync(options.stderrFile, "a");
  let tracked: TrackedChild;
  try {
    tracked = spawnTracked(REGISTRY_BINARY, ["serve", options.configFile], { stdio: ["ignore", out, err] });
  } finally {
    // The child holds its own copies of the descriptors.
    closeSync(out);
    closeSync(err);
  }
  try {
    await waitUntilReady(tracked, options);
    return tracked;
  } catch (error) {
    await tracked.kill(500);
    if (options.signal?.aborted === true) throw options.signal.reason;
    const stderr = await readFile(options.stderrFile, "utf8").catch(() => "");
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot start docker-registry at ${options.url}: ${reason}\nregistry stderr:\n${excerpt(stderr)}`, {
      cause: error,
    });
  }
}

async function waitUntilReady(tracked: TrackedChild, options: LaunchOptions): Promise<void> {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  let exit: number | string | undefined;
  void tracked.exited.then((code) => {
    exit = code;
  });
  let lastError = "no answer yet";
  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    if (exit !== undefined) throw new Error(`the process exited (${exit}) before it was ready`);
    try {
      const { status } = await probe(`${options.url}/v2/`, {
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.client === undefined ? {} : { client: options.client }),
        timeoutMs: 1000,
      });
      if (status === 200 || status === 401) return;
      lastError = `GET /v2/ answered ${status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(25, undefined, options.signal === undefined ? {} : { signal: options.signal });
  }
  throw new Error(`not ready after ${options.readyTimeoutMs ?? 15_000} ms (${lastError})`);
}

// Configuration errors surface as a Go panic (message first, stack after) or
// as a fatal JSON line at the end, so keep both ends of a long stderr.
function excerpt(text: string): string {
  const lines = text.trimEnd().split("\n");
  return lines.length <= 30 ? lines.join("\n") : [...lines.slice(0, 5), "…", ...lines.slice(-15)].join("\n");
}
