import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freeLoopbackPort, portAcceptsConnections } from "../support/loopback.js";
import { runCli } from "../support/run-cli.js";
import { tempFolders } from "../support/temp-folders.js";

// `dg watch --listen` refuses what it must before it starts: a bind beyond
// loopback without a token, and --listen with --once.

const tempFolder = tempFolders("dashboard-cli");

async function project(): Promise<string> {
  const dir = await tempFolder();
  await writeFile(
    join(dir, "digestguard.yaml"),
    [
      "version: 1",
      "watch:",
      "  version: 1",
      '  images: ["127.0.0.1:1/team/app:1"]',
      "  lockfile: false",
      "  database: h.sqlite",
    ].join("\n"),
  );
  return dir;
}

describe("dg watch --listen", () => {
  it("refuses a bind beyond loopback without a token, with CONFIG_INVALID, before it starts", async () => {
    const port = await freeLoopbackPort();
    const env = { DIGESTGUARD_API_TOKEN: "" };
    const { exitCode, stderr } = await runCli(["watch", "--listen", `0.0.0.0:${port}`], { cwd: await project(), env });
    assert.equal(exitCode, 2);
    assert.match(stderr, /CONFIG_INVALID/);
    assert.match(stderr, /beyond loopback and no API token is configured/);
    assert.equal(await portAcceptsConnections(port), false);
  });

  it("refuses --listen with --once", async () => {
    const { exitCode, stderr } = await runCli(["watch", "--once", "--listen", "127.0.0.1:0"], { cwd: await project() });
    assert.equal(exitCode, 2);
    assert.match(stderr, /Cannot use --listen with --once/);
  });

  it("refuses a listen address it cannot read", async () => {
    const { exitCode, stderr } = await runCli(["watch", "--listen", "nowhere"], { cwd: await project() });
    assert.equal(exitCode, 2);
    assert.match(stderr, /expected HOST:PORT/);
  });
});
