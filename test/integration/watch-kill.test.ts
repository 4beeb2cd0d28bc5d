import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildImage } from "../../src/imagebuild/image.js";
import { pushImage } from "../support/noise-image.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { runCli } from "../support/run-cli.js";
import { tempFolders } from "../support/temp-folders.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

// `dg watch --once` killed with SIGKILL while a webhook delivery is in
// flight: the event and its delivery were committed before sending, so the
// next run delivers it — with the same delivery id — and nothing is lost.

const tempFolder = tempFolders("watch-kill");
const BIN = join(import.meta.dirname, "../../../bin/digestguard.js");
const image = (seed: string) =>
  buildImage({
    flavour: "oci",
    platforms: [{ os: "linux", architecture: "amd64", layers: [[{ path: "etc/id", content: `${seed}\n` }]] }],
  });

describe("watch killed during a delivery", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let receiver: WebhookReceiver;
  before(async () => {
    registry = await startRegistry({ mode: "http" });
    receiver = await startWebhookReceiver("kill-secret");
  });
  after(async () => {
    await receiver?.stop();
    await registry?.stop();
  });

  it("loses nothing: the next run delivers the same delivery id", async () => {
    const dir = await tempFolder();
    await writeFile(
      join(dir, "digestguard.yaml"),
      [
        "version: 1",
        "watch:",
        "  version: 1",
        `  images: ["${registry.host}/team/k:1"]`,
        "  lockfile: false",
        "  database: history.sqlite",
        "  retry: { baseSeconds: 0.01, maxSeconds: 0.05 }",
        `  notifiers: { ops: { type: webhook, url: "${receiver.url}", secret: kill-secret } }`,
      ].join("\n"),
    );
    const once = () => runCli(["watch", "--once", "--json"], { cwd: dir });
    await pushImage(registry, "team/k", await image("a"), ["1"]);
    assert.equal((await once()).exitCode, 0, "baseline");
    await pushImage(registry, "team/k", await image("b"), ["1"]);

    receiver.answer = () => "hang";
    const child = spawn(process.execPath, [BIN, "watch", "--once"], { cwd: dir, stdio: "ignore" });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    const first = await receiver.nextRequest();
    child.kill("SIGKILL");
    await exited;

    const pending = await runCli(["events", "--pending", "--json"], { cwd: dir });
    assert.equal(pending.exitCode, 0, pending.stderr);
    const outbox = JSON.parse(pending.stdout.toString()) as { pending: { id: string; event: { kind: string } }[] };
    assert.deepEqual(
      outbox.pending.map((p) => [p.id, p.event.kind]),
      [[first.deliveryId, "moved"]],
    );

    receiver.answer = () => 200;
    const again = await once();
    assert.equal(again.exitCode, 0, again.stderr);
    const last = receiver.received.at(-1);
    assert.equal(last?.deliveryId, first.deliveryId);
    assert.equal(last?.status, 200);
    assert.equal(last?.signatureValid, true);
    const empty = JSON.parse((await runCli(["events", "--pending", "--json"], { cwd: dir })).stdout.toString()) as {
      pending: unknown[];
    };
    assert.deepEqual(empty.pending, []);
    const history = await runCli(["history", `${registry.host}/team/k:1`, "--json"], { cwd: dir });
    assert.equal((JSON.parse(history.stdout.toString()) as { observations: unknown[] }).observations.length, 2);
  });
});
