import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { MAX_CONNECTIONS } from "../../src/dashboard/http-server.js";
import { type DashboardFixture, startDashboardFixture } from "../support/dashboard-fixture.js";
import { tempFolders } from "../support/temp-folders.js";

// What a client on the network can do before any token is checked: open
// connections and send nothing (slowloris). The dashboard shares its process,
// and so its file descriptors, with the watch.

const tempFolder = tempFolders("dashboard-hostile-client");

describe("dashboard against a hostile client", () => {
  let dash: DashboardFixture;
  const sockets: Socket[] = [];
  before(async () => {
    dash = await startDashboardFixture(await tempFolder(), { token: "a-test-token-of-enough-length-0123456789" });
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await dash?.stop();
  });

  it("drops idle connections past its limit at once, and still answers once they go", async () => {
    const { hostname, port } = new URL(dash.url);
    const extra = 20;
    let closed = 0;
    const allClosed = new Promise<void>((resolve) => {
      for (let i = 0; i < MAX_CONNECTIONS + extra; i++) {
        const socket = connect(Number(port), hostname);
        socket.on("error", () => {});
        socket.on("close", () => {
          if (++closed === extra) resolve();
        });
        sockets.push(socket);
      }
    });
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("timed out"), 5000).unref());
    assert.equal(await Promise.race([allClosed.then(() => "dropped"), timeout]), "dropped");
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await fetch(`${dash.url}/healthz`)).status, 200);
  });

  it("answers a request target that is no URL with 400, not an internal error", async () => {
    const { hostname, port } = new URL(dash.url);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname);
      let text = "";
      socket.on("data", (chunk) => (text += chunk));
      socket.on("close", () => resolve(text));
      socket.on("error", () => resolve(text));
      socket.end("GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    });
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.match(answer, /"code":"USAGE"/);
  });
});
