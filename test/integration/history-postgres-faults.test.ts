import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import pg from "pg";
import { postgresSkipReason, startPostgres, type RunningPostgres } from "../support/postgres.js";
import { runCliBounded } from "../support/run-cli-bounded.js";

// A PostgreSQL history in an unlucky or hostile operator environment: a
// server that accepts and never answers, a table another session keeps
// locked. The CLI must give up with a clear error, never wait forever.

const HANG_LIMIT_MS = 90_000;

describe("a PostgreSQL history that does not answer", { skip: postgresSkipReason() }, () => {
  let cluster: RunningPostgres;
  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    await cluster?.stop();
  });

  it("gives up on a server that accepts the connection and never answers: HISTORY_UNAVAILABLE, exit 5", async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    try {
      const run = await runCliBounded(["db", "status", "--db", `postgres://dg:Sil3nt@127.0.0.1:${port}/dg`], {
        limitMs: HANG_LIMIT_MS,
      });
      assert.equal(run.hung, false, "the connection attempt is bounded");
      assert.equal(run.exitCode, 5, run.stderr);
      assert.match(run.stderr, /HISTORY_UNAVAILABLE/);
      assert.doesNotMatch(run.stderr, /Sil3nt/);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it("gives up on a table another session keeps locked: HISTORY_BUSY, not a hang", async () => {
    const url = await cluster.createDatabase();
    const migrated = await runCliBounded(["db", "migrate", "--db", url], { limitMs: HANG_LIMIT_MS });
    assert.equal(migrated.exitCode, 0, migrated.stderr);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE observations IN ACCESS EXCLUSIVE MODE");
      const run = await runCliBounded(["db", "status", "--db", url], { limitMs: HANG_LIMIT_MS });
      assert.equal(run.hung, false, "waiting for a lock is bounded");
      assert.match(run.stderr, /HISTORY_BUSY/);
      assert.match(run.stderr, /try again/);
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
  });
});
