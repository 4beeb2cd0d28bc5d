import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RequiredTool } from "./require-tool.js";

const BIN = fileURLToPath(new URL("../../../bin/digestguard.js", import.meta.url));
const STRACE = "/usr/bin/strace";

/** strace, which shows what the CLI asked of the kernel. */
export function straceTool(): RequiredTool {
  return { name: "strace", available: existsSync(STRACE), install: "apt-get install strace" };
}

/** One rename (or hard link) or fsync the traced process made, in order. */
export type SyscallEvent = { kind: "rename"; from: string; to: string } | { kind: "fsync"; path: string };

/**
 * Run the real CLI under `strace -f -y` and return, in order, every
 * successful rename and every fsync/fdatasync with the path its descriptor
 * named — enough to prove that a file was synced before it was renamed into
 * place and that its folder was synced after.
 *
 * @example
 * ```ts
 * const { events, exitCode } = await traceCli(["pin"], { cwd });
 * ```
 */
export async function traceCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ events: SyscallEvent[]; exitCode: number; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), "dg-strace-"));
  const out = join(dir, "trace.txt");
  try {
    const { exitCode, stderr } = await new Promise<{ exitCode: number; stderr: string }>((resolve) => {
      execFile(
        STRACE,
        [
          "-f",
          "-y",
          "-qq",
          "-e",
          "trace=rename,renameat,renameat2,link,linkat,fsync,fdatasync",
          "-o",
          out,
          process.execPath,
          BIN,
          ...args,
        ],
        {
          cwd: options.cwd,
          env: { ...process.env, REGISTRY_AUTH_FILE: "/nonexistent/auth.json", ...options.env },
          maxBuffer: 64 << 20,
        },
        (error, _stdout, stderrText) => {
          const code = (error as { code?: unknown } | null)?.code;
          resolve({ exitCode: typeof code === "number" ? code : error ? 1 : 0, stderr: String(stderrText) });
        },
      );
    });
    return { events: parseTrace(await readFile(out, "utf8"), options.cwd ?? process.cwd()), exitCode, stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Paths in a rename are as the program wrote them, relative to its folder;
// descriptors' paths are absolute. Calls made at the same time by several
// threads are split by strace into "<unfinished ...>" and "<... resumed>" lines.
function parseTrace(text: string, cwd: string): SyscallEvent[] {
  const events: SyscallEvent[] = [];
  const pending = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const match = /^(\d+)\s+(.*)$/.exec(raw.trim());
    if (match === null) continue;
    const [, pid = "", rest = ""] = match;
    let call = rest;
    if (call.endsWith("<unfinished ...>")) {
      pending.set(pid, call.slice(0, -"<unfinished ...>".length));
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(call);
    if (resumed !== null) {
      call = `${pending.get(pid) ?? ""}${resumed[1] ?? ""}`;
      pending.delete(pid);
    }
    if (!/= 0$/.test(call.trim())) continue;
    const rename = /(?:rename|link)(?:at2?)?\((?:[^,"]*, )?"([^"]+)", (?:[^,"]*, )?"([^"]+)"/.exec(call);
    if (rename)
      events.push({ kind: "rename", from: resolve(cwd, rename[1] as string), to: resolve(cwd, rename[2] as string) });
    const sync = /f(?:data)?sync\(\d+<([^>]+)>/.exec(call);
    if (sync) events.push({ kind: "fsync", path: sync[1] as string });
  }
  return events;
}

/**
 * The renames into `under` that were not durable: the file not fsynced
 * before the rename, or its folder not fsynced after. Empty when every
 * commit-by-rename was done right.
 *
 * @example
 * ```ts
 * assert.deepEqual(undurableRenames(events, projectDir), []);
 * ```
 */
export function undurableRenames(events: SyscallEvent[], under: string): string[] {
  const problems: string[] = [];
  events.forEach((event, i) => {
    if (event.kind !== "rename" || !event.to.startsWith(under) || isLockAcquisition(event)) return;
    const before = events.slice(0, i);
    const after = events.slice(i + 1);
    const fileSynced = before.some((e) => e.kind === "fsync" && e.path === event.from);
    const folderSynced = after.some((e) => e.kind === "fsync" && e.path === dirname(event.to));
    if (!fileSynced) problems.push(`${event.to}: the file was not fsynced before the rename`);
    if (!folderSynced) problems.push(`${event.to}: its folder was not fsynced after the rename`);
  });
  return problems;
}

// An advisory lock (`X.lock`, linked into place from `X.lock.<token>.tmp`)
// guards a process's lifetime; it is meant to vanish in a crash, not survive one.
function isLockAcquisition(event: { from: string; to: string }): boolean {
  return event.to.endsWith(".lock") && event.from.startsWith(`${event.to}.`) && event.from.endsWith(".tmp");
}
