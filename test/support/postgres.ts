import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { onProcessExit, spawnTracked } from "./child-reaper.js";

/** A PostgreSQL cluster of the tests' own, reachable only through a unix socket in its temp folder. */
export interface RunningPostgres {
  /** The folder holding the socket: the `host` of a connection. */
  socketDir: string;
  /** A connection URL for `database` (default `postgres`). */
  url(database?: string): string;
  /** Create an empty database and return its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Fast shutdown (like `pg_ctl stop -m fast`), then remove the folder. Idempotent. */
  stop(): Promise<void>;
}

/** The folder of the newest installed PostgreSQL's binaries (Debian: /usr/lib/postgresql/N/bin), if any. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

/** Why PostgreSQL tests are skipped here, or false when they can run. */
export function postgresSkipReason(): string | false {
  if (postgresBinDir() === undefined) return "PostgreSQL is not installed (apt-get install postgresql)";
  if (runAsUser() === undefined) return "running as root and no `postgres` user to run PostgreSQL as";
  return false;
}

// PostgreSQL refuses to run as root: as root, run it as the Debian package's `postgres` user.
function runAsUser(): { uid: number; gid: number } | undefined | null {
  if (process.getuid?.() !== 0) return null;
  const found = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (found.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(found.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Start a throw-away cluster: `initdb` into a temp folder, then the server
 * listening on a unix socket in that folder only (no TCP), fsync off. As
 * root it runs as the `postgres` user. The server is a tracked child, so it
 * dies with the test process even when that is SIGKILLed; `pg_ctl start`
 * would detach it and leave it running.
 *
 * @example
 * ```ts
 * const cluster = await startPostgres();
 * const url = await cluster.createDatabase();
 * await cluster.stop();
 * ```
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = postgresBinDir();
  const user = runAsUser();
  if (bin === undefined || user === undefined) throw new Error(`Cannot start PostgreSQL: ${postgresSkipReason()}`);
  const dir = mkdtempSync(join(tmpdir(), "dg-pg-"));
  const cancelCleanup = onProcessExit(() => rmSync(dir, { recursive: true, force: true }));
  const as = user === null ? {} : { uid: user.uid, gid: user.gid };
  if (user !== null) chownSync(dir, user.uid, user.gid);
  const env = { ...process.env, LC_ALL: "C", HOME: dir };
  const init = spawnSync(
    join(bin, "initdb"),
    ["-D", join(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"],
    { ...as, env, cwd: dir, encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`Cannot initdb: ${init.stderr}`);
  const server = spawnTracked(
    join(bin, "postgres"),
    ["-D", join(dir, "data"), "-k", dir, "-c", "listen_addresses=", "-c", "fsync=off", "-c", "max_connections=200"],
    { ...as, env, cwd: dir, stdio: "ignore" },
  );
  const url = (database = "postgres"): string =>
    `postgresql://postgres@localhost/${database}?host=${encodeURIComponent(dir)}`;
  await waitUntilReady(url(), server.exited);
  let count = 0;
  let stopping: Promise<void> | undefined;
  return {
    socketDir: dir,
    url,
    async createDatabase(name = `t${++count}_${process.pid}`) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop() {
      stopping ??= (async () => {
        server.child.kill("SIGINT"); // fast shutdown
        const timer = setTimeout(() => void server.kill(), 10_000);
        await server.exited;
        clearTimeout(timer);
        rmSync(dir, { recursive: true, force: true });
        cancelCleanup();
      })();
      return stopping;
    },
  };
}

async function waitUntilReady(url: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let waited = 0; waited < 30_000; waited += 50) {
    if (gone) throw new Error("Cannot start PostgreSQL: the server exited during start-up");
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await sleep(50);
    }
  }
  throw new Error(`Cannot start PostgreSQL: not ready after 30 s (user ${userInfo().username})`);
}
