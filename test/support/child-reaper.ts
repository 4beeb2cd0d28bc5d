import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";

const exitCallbacks = new Set<() => void>();
let installed = false;

/**
 * Run `callback` synchronously when the test process exits, however the
 * tests ended (including a failed test or `process.exit`). Returns a function
 * that cancels the registration once normal cleanup has happened.
 *
 * @example
 * ```ts
 * const cancel = onProcessExit(() => rmSync(dir, { recursive: true, force: true }));
 * ```
 */
export function onProcessExit(callback: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on("exit", runExitCallbacks);
  }
  exitCallbacks.add(callback);
  return () => {
    exitCallbacks.delete(callback);
  };
}

function runExitCallbacks(): void {
  for (const callback of exitCallbacks) {
    try {
      callback();
    } catch {
      // Exiting anyway: one failed cleanup must not stop the others.
    }
  }
  exitCallbacks.clear();
}

const SETPRIV = "/usr/bin/setpriv";

/** A child process that is killed when the test process exits. */
export interface TrackedChild {
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. Idempotent. */
  kill(graceMs?: number): Promise<void>;
}

/**
 * Spawn a helper process (registry, issuer) that cannot outlive the tests.
 * The "exit" hook covers normal ends and failures; `setpriv --pdeathsig`
 * (when present) also covers the test process being SIGKILLed, which no
 * JavaScript hook can observe.
 *
 * @example
 * ```ts
 * const { child, kill } = spawnTracked("/usr/bin/docker-registry", ["serve", configFile], { stdio: "ignore" });
 * await kill();
 * ```
 */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): TrackedChild {
  const [file, argv] = existsSync(SETPRIV)
    ? [SETPRIV, ["--pdeathsig", "KILL", "--", command, ...args]]
    : [command, [...args]];
  const child = spawn(file, argv, options);
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    child.once("error", () => resolve("spawn-error"));
  });
  const cancel = onProcessExit(() => {
    child.kill("SIGKILL");
  });
  void exited.then(cancel);
  let killing: Promise<void> | undefined;
  const kill = (graceMs = 3000): Promise<void> => {
    killing ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    })();
    return killing;
  };
  return { child, exited, kill };
}
