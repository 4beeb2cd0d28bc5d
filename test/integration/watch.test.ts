import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SqliteHistoryStore } from "../../src/history/sqlite-history-store.js";
import { buildImage, type BuiltImage } from "../../src/imagebuild/image.js";
import { RegistryStore } from "../../src/store/registry-store.js";
import { deliverDue } from "../../src/watch/deliver-outbox.js";
import { watchOnce } from "../../src/watch/watch-service.js";
import { watchPlan } from "../../src/watch/watch-plan.js";
import { watchTargets } from "../../src/watch/watch-targets.js";
import { clientFor } from "../support/client-for.js";
import { pushImage } from "../support/noise-image.js";
import { deleteManifest } from "../support/registry-admin.js";
import { registrySkipReason, startRegistry, type RunningRegistry } from "../support/registry.js";
import { tempFolders } from "../support/temp-folders.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

// watch against the real registry: a tag is pushed, moved, churned, moved
// back and deleted between cycles; each change must be classified, kept in
// the history, and delivered once to a loopback receiver that checks the HMAC.

const SECRET = "watch-test-secret";
const tempFolder = tempFolders("watch");
const quiet = (): void => {};

function image(seed: string, annotations?: Record<string, string>): Promise<BuiltImage> {
  const platform = (architecture: string) => ({
    os: "linux",
    architecture,
    layers: [[{ path: "etc/id", content: `${seed} ${architecture}\n` }]],
  });
  return buildImage({
    flavour: "oci",
    platforms: [platform("amd64"), platform("arm64")],
    ...(annotations ? { annotations } : {}),
  });
}

describe("watch against a real registry", { skip: registrySkipReason() }, () => {
  let registry: RunningRegistry;
  let receiver: WebhookReceiver;
  let history: SqliteHistoryStore;
  let client: ReturnType<typeof clientFor>;
  before(async () => {
    registry = await startRegistry({ mode: "http" });
    receiver = await startWebhookReceiver(SECRET);
    history = SqliteHistoryStore.open(join(await tempFolder(), "history.sqlite"));
    client = clientFor(registry);
  });
  after(async () => {
    await history?.close();
    await client?.close();
    await receiver?.stop();
    await registry?.stop();
  });

  const cycle = async () => {
    const settings = {
      version: 1 as const,
      images: [`${registry.host}/team/app:1`],
      notifiers: { ops: { type: "webhook" as const, url: receiver.url, secret: SECRET } },
      retry: { baseSeconds: 0.01, maxSeconds: 0.05 },
    };
    const plan = watchPlan(settings, watchTargets(settings, undefined));
    const openStore = (t: { registry: string; repository: string }) =>
      new RegistryStore(client, { registry: t.registry, repository: t.repository }, { originOnly: true });
    return watchOnce(plan, { history, openStore, log: quiet, signal: new AbortController().signal });
  };
  const reference = () => `${registry.host}/team/app:1`;

  it("classifies each change, keeps the history, and delivers each event once with a valid signature", async () => {
    const v1 = await image("v1");
    await pushImage(registry, "team/app", v1, ["1"]);
    assert.deepEqual((await cycle()).events, [], "the first cycle is a baseline");

    const v2 = await image("v2");
    await pushImage(registry, "team/app", v2, ["1"]);
    assert.deepEqual(
      (await cycle()).events.map((e) => [e.kind, e.from, e.to]),
      [["moved", v1.root.digest, v2.root.digest]],
    );

    const churn = await image("v2", { "org.example.rebuilt": "yes" });
    assert.notEqual(churn.root.digest, v2.root.digest);
    await pushImage(registry, "team/app", churn, ["1"]);
    assert.deepEqual(
      (await cycle()).events.map((e) => e.kind),
      ["index-churn"],
    );

    await pushImage(registry, "team/app", v1, ["1"]);
    assert.deepEqual(
      (await cycle()).events.map((e) => e.kind),
      ["moved-back"],
    );

    await deleteManifest(registry, "team/app", v1.root.digest);
    assert.deepEqual(
      (await cycle()).events.map((e) => [e.kind, e.from]),
      [["tag-deleted", v1.root.digest]],
    );

    const timeline = await history.timeline(reference());
    assert.deepEqual(
      timeline.map((o) => o.digest),
      [v1.root.digest, v2.root.digest, churn.root.digest, v1.root.digest, undefined],
    );
    assert.deepEqual(
      receiver.received.map((h) => [h.body.event.kind, h.signatureValid]),
      [
        ["moved", true],
        ["index-churn", true],
        ["moved-back", true],
        ["tag-deleted", true],
      ],
    );
    assert.equal(new Set(receiver.received.map((h) => h.deliveryId)).size, 4);
    assert.ok(receiver.received.every((h) => h.deliveryId === h.body.deliveryId));
    assert.deepEqual(await history.pendingDeliveries(), []);
  });

  it("records a registry that is down as a check error, never as a deletion", async () => {
    const v3 = await image("v3");
    await pushImage(registry, "team/app", v3, ["1"]);
    await cycle();
    const before = (await history.timeline(reference())).length;
    const down = clientFor(
      { ...registry, url: "http://127.0.0.1:9", host: "127.0.0.1:9" },
      { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    );
    const settings = { version: 1 as const, images: ["127.0.0.1:9/team/app:1"] };
    const report = await watchOnce(watchPlan(settings, watchTargets(settings, undefined)), {
      history,
      log: quiet,
      signal: new AbortController().signal,
      openStore: (t) =>
        new RegistryStore(down, { registry: t.registry, repository: t.repository }, { originOnly: true }),
    });
    await down.close();
    assert.deepEqual(
      report.events.map((e) => e.kind),
      ["check-error"],
    );
    assert.equal(report.errors, 1);
    assert.deepEqual(await history.timeline("127.0.0.1:9/team/app:1"), []);
    assert.equal((await history.timeline(reference())).length, before);
  });

  it("retries a failing receiver with the same delivery id until it takes the event, then stops", async () => {
    receiver.received.length = 0;
    receiver.answer = (_hook, index) => (index < 3 ? 503 : 200);
    const v4 = await image("v4");
    await pushImage(registry, "team/app", v4, ["1"]);
    await cycle();
    const notifiers = watchPlan(
      { version: 1, notifiers: { ops: { type: "webhook", url: receiver.url, secret: SECRET } } },
      [],
    ).notifiers;
    for (let round = 0; round < 20 && (await history.pendingDeliveries()).length > 0; round++) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      await deliverDue(history, notifiers, { backoff: { baseMs: 10, maxMs: 50 }, log: quiet });
    }
    assert.deepEqual(
      receiver.received.map((h) => h.status),
      [503, 503, 503, 200],
    );
    assert.equal(new Set(receiver.received.map((h) => h.deliveryId)).size, 1, "one delivery id across every attempt");
    assert.deepEqual(await history.pendingDeliveries(), []);
    await deliverDue(history, notifiers, { backoff: { baseMs: 10, maxMs: 50 }, log: quiet });
    assert.equal(receiver.received.length, 4, "delivered once it recovered, and never again");
    receiver.answer = () => 200;
  });
});
