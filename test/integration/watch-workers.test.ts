import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { TrackedChild } from "../support/child-reaper.js";
import { cycleTick } from "../../src/watch/shared-cycle.js";
import { pushImage } from "../support/noise-image.js";
import { postgresSkipReason, startPostgres, type RunningPostgres } from "../support/postgres.js";
import { registrySkipReason, startRegistry, type RegistryRequest, type RunningRegistry } from "../support/registry.js";
import { tempFolders } from "../support/temp-folders.js";
import {
  seedTags,
  seededImage,
  startWorker,
  waitForCycle,
  writeFleetConfig,
  yearlyAt,
} from "../support/watch-fleet.js";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.js";

// Three real `dg watch` workers on one PostgreSQL over 2,000 tags of the
// loopback registry. The registry's access log shows each tag HEADed once
// per cycle; a worker SIGKILLed mid-cycle loses no check (its leased jobs
// are done by the others once the lease runs out) and the webhook receiver
// gets each event's notification once.
//
// No schedule tick falls while the test runs, so a cycle may take as long as
// the machine needs: each cycle is the workers' start-up cycle, which every
// worker names by the schedule's newest tick however late it starts. The
// second cycle is a fresh fleet on a schedule whose one tick a year has just
// passed.

const SECRET = "fleet-secret";
/** Generous: a cycle of 2,000 tags on a slow machine, not a speed bound. */
const CYCLE_TIMEOUT_MS = 300_000;
const tempFolder = tempFolders("watch-workers");
const skip = registrySkipReason() || postgresSkipReason();

function headsByReference(requests: RegistryRequest[], host: string): Map<string, number> {
  const heads = new Map<string, number>();
  for (const r of requests) {
    const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(r.uri);
    if (r.method !== "HEAD" || match === null) continue;
    const reference = `${host}/${match[1]}:${match[2]}`;
    heads.set(reference, (heads.get(reference) ?? 0) + 1);
  }
  return heads;
}

describe("three watch workers sharing one PostgreSQL", { skip }, () => {
  let registry: RunningRegistry;
  let cluster: RunningPostgres;
  let receiver: WebhookReceiver;
  const workers: TrackedChild[] = [];
  before(async () => {
    [registry, cluster, receiver] = await Promise.all([
      startRegistry({ mode: "http" }),
      startPostgres(),
      startWebhookReceiver(SECRET),
    ]);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await Promise.all([registry?.stop(), cluster?.stop(), receiver?.stop()]);
  });

  it("checks each tag once per cycle, survives a killed worker, and notifies once per event", async () => {
    const dir = await tempFolder();
    const databaseUrl = await cluster.createDatabase();
    const references = await seedTags(registry, 10, 200);
    const startFleet = async (schedule: string): Promise<TrackedChild[]> => {
      await writeFleetConfig(dir, { references, schedule, webhook: receiver.url, secret: SECRET });
      const fleet = ["w1", "w2", "w3"].map((worker) =>
        startWorker({ dir, registry, databaseUrl, worker, leaseSeconds: 10 }),
      );
      workers.push(...fleet);
      return fleet;
    };

    const firstSchedule = yearlyAt(new Date(2000, 0, 1));
    const first = cycleTick(firstSchedule);
    const firstFleet = await startFleet(firstSchedule);
    await waitForCycle(databaseUrl, first, (p) => p.total === 2000 && p.done === 2000, CYCLE_TIMEOUT_MS);
    const firstLog = await registry.requestLog();
    const firstHeads = headsByReference(firstLog, registry.host);
    assert.equal(firstHeads.size, 2000);
    assert.deepEqual(new Set(firstHeads.values()), new Set([1]), "each tag HEADed exactly once in the cycle");
    await Promise.all(firstFleet.map((w) => w.kill()));

    const moved = references.filter((r) => r.includes("/fleet/r0:")).slice(0, 20);
    await pushImage(
      registry,
      "fleet/r0",
      await seededImage("moved"),
      moved.map((r) => r.split(":").at(-1) as string),
    );

    // A tick just past: the fleet's start-up cycle, after the push.
    const secondSchedule = yearlyAt(new Date(Math.floor(Date.now() / 1000) * 1000 - 1000));
    const second = cycleTick(secondSchedule);
    const [w1] = await startFleet(secondSchedule);
    const atKill = await waitForCycle(
      databaseUrl,
      second,
      (p) => p.done >= 300 && (p.leasedBy["w1"]?.length ?? 0) > 0,
      CYCLE_TIMEOUT_MS,
    );
    w1?.child.kill("SIGKILL");
    await w1?.exited;
    const orphaned = (await waitForCycle(databaseUrl, second, () => true)).leasedBy["w1"] ?? [];
    assert.ok(orphaned.length > 0, `w1 held jobs when killed (${JSON.stringify(atKill.leasedBy["w1"]?.length)})`);
    await waitForCycle(databaseUrl, second, (p) => p.done === 2000, CYCLE_TIMEOUT_MS);
    const secondHeads = headsByReference((await registry.requestLog()).slice(firstLog.length), registry.host);
    assert.equal(secondHeads.size, 2000, "every tag checked in the cycle with a killed worker");
    const twice = [...secondHeads].filter(([, n]) => n > 1).map(([reference]) => reference);
    assert.deepEqual(
      twice.filter((reference) => !orphaned.includes(reference)),
      [],
      "only the killed worker's checks were done again",
    );

    for (let waited = 0; receiver.received.length < moved.length && waited < 30_000; waited += 100) await sleep(100);
    await sleep(1000);
    const byEvent = new Map<number, string[]>();
    for (const hook of receiver.received)
      byEvent.set(hook.body.event.id, [...(byEvent.get(hook.body.event.id) ?? []), hook.deliveryId]);
    assert.equal(byEvent.size, moved.length, "one event per moved tag");
    assert.deepEqual(
      [...byEvent.values()].filter((ids) => ids.length !== 1),
      [],
      "each event delivered once",
    );
    assert.deepEqual(receiver.received.map((h) => h.body.event.reference).sort(), [...moved].sort());
    assert.ok(receiver.received.every((h) => h.signatureValid && h.body.event.kind === "moved"));
  });
});
