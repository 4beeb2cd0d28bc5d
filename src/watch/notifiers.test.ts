import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tempFolders } from "../../test/support/temp-folders.js";
import { isCode } from "../errors/predicates.js";
import type { NotificationBody } from "./notification-body.js";
import { makeNotifier } from "./notifiers.js";

const tempFolder = tempFolders("notifiers");
const body: NotificationBody = {
  schemaVersion: 1,
  deliveryId: "0b6c7f8e-1111-4222-8333-944445555666",
  event: {
    id: 7,
    kind: "moved",
    reference: "127.0.0.1:5000/team/app:1",
    at: "2026-01-01T00:00:00.000Z",
    from: `sha256:${"a".repeat(64)}`,
    to: `sha256:${"b".repeat(64)}`,
  },
};

async function receiver(status: number) {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T/B/X`;
  return { url, received, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("the Slack notifier", () => {
  it("posts a one-line text naming the reference, the kind and the move", async () => {
    const slack = await receiver(200);
    try {
      await makeNotifier("chat", { type: "slack", url: slack.url })(body);
      assert.equal(slack.received.length, 1);
      const [hook] = slack.received;
      assert.equal(hook?.headers["content-type"], "application/json");
      const sent = JSON.parse(hook?.body ?? "") as Record<string, unknown>;
      assert.deepEqual(Object.keys(sent), ["text"]);
      assert.match(String(sent.text), /^digestguard: 127\.0\.0\.1:5000\/team\/app:1 moved sha256:a+… → sha256:b+…$/);
      assert.equal(hook?.headers["x-digestguard-signature"], undefined, "Slack gets no webhook signature");
    } finally {
      await slack.stop();
    }
  });

  it("fails with NOTIFY_FAILED when Slack refuses, so the delivery stays in the outbox", async () => {
    const slack = await receiver(500);
    try {
      await assert.rejects(makeNotifier("chat", { type: "slack", url: slack.url })(body), (error) => {
        assert.ok(isCode(error, "NOTIFY_FAILED"));
        assert.match((error as Error).message, /^Cannot notify chat: the receiver answered HTTP 500;/);
        return true;
      });
    } finally {
      await slack.stop();
    }
  });
});

describe("the command notifier", () => {
  it("gives the command the notification body on stdin and counts exit 0 as delivered", async () => {
    const out = join(await tempFolder(), "stdin.json");
    const script = `require("fs").writeFileSync(${JSON.stringify(out)}, require("fs").readFileSync(0))`;
    await makeNotifier("script", { type: "command", command: [process.execPath, "-e", script] })(body);
    assert.deepEqual(JSON.parse(await readFile(out, "utf8")), body);
  });

  it("fails with the command's exit code and stderr when it exits non-zero", async () => {
    const dir = await tempFolder();
    const script = join(dir, "hook.mjs");
    await writeFile(
      script,
      'process.stdin.resume(); process.stdin.on("end", () => { console.error("no disk"); process.exit(3); });',
    );
    await assert.rejects(
      makeNotifier("script", { type: "command", command: [process.execPath, script] })(body),
      (error) => {
        assert.ok(isCode(error, "NOTIFY_FAILED"));
        assert.equal(
          (error as Error).message,
          "Cannot notify script: the command exited 3 (no disk); the delivery is retried.",
        );
        return true;
      },
    );
  });

  it("fails with NOTIFY_FAILED when the command cannot be started", async () => {
    await assert.rejects(makeNotifier("script", { type: "command", command: ["/nonexistent/hook"] })(body), (error) =>
      isCode(error, "NOTIFY_FAILED"),
    );
  });
});
