import { test } from "node:test";
import assert from "node:assert/strict";
import type { ContentStore } from "../store/content-store.js";
import { runSyncSchedule } from "./sync-schedule.js";

const settings = { version: 1 as const, target: "127.0.0.1:5999/{repo}", images: [{ source: "127.0.0.1:5998/a" }] };

test("scheduled passes never overlap, and a stop waits for the pass in flight", async () => {
  let running = 0;
  let most = 0;
  let finished = 0;
  // Listing the source takes 1.5 s: longer than the 1 s between ticks.
  const slow = {
    async listTags() {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      running--;
      finished++;
      return [];
    },
  } as unknown as ContentStore;
  const controller = new AbortController();
  const reports: number[] = [];
  const done = runSyncSchedule(settings, {
    schedule: "* * * * * *",
    open: () => slow,
    signal: controller.signal,
    onPass: (_report, pass) => void reports.push(pass),
    onError: (error) => assert.fail(String(error)),
  });
  await new Promise((resolve) => setTimeout(resolve, 3500));
  controller.abort();
  const passes = await done;
  assert.equal(most, 1, "two passes ran at once");
  assert.equal(running, 0, "the stop did not wait for the pass in flight");
  assert.ok(passes >= 2, `${passes} passes`);
  assert.deepEqual(
    reports,
    Array.from({ length: passes }, (_, i) => i + 1),
  );
  assert.equal(finished, passes);
});

test("a pattern that is not cron is a config error", async () => {
  await assert.rejects(
    runSyncSchedule(settings, {
      schedule: "every hour",
      open: () => ({}) as ContentStore,
      signal: new AbortController().signal,
      onPass: () => undefined,
      onError: () => undefined,
    }),
    { code: "CONFIG_INVALID", message: /"every hour" is not a cron pattern/ },
  );
});

test("a stop during a pass finishes the image in flight and starts no other", async () => {
  const controller = new AbortController();
  const listed: string[] = [];
  const open = (repo: { repository: string }) =>
    ({
      async listTags() {
        listed.push(repo.repository);
        controller.abort();
        await new Promise((resolve) => setTimeout(resolve, 200));
        return [];
      },
    }) as unknown as ContentStore;
  const reports: { images: { source: string; error?: unknown }[] }[] = [];
  const passes = await runSyncSchedule(
    { ...settings, images: [{ source: "127.0.0.1:5998/first" }, { source: "127.0.0.1:5998/second" }] },
    {
      schedule: "0 0 1 1 *",
      open,
      signal: controller.signal,
      onPass: (report) => void reports.push(report),
      onError: (error) => assert.fail(String(error)),
    },
  );
  assert.equal(passes, 1);
  assert.deepEqual(listed, ["first"]);
  assert.deepEqual(
    reports[0]?.images.map((image) => [image.source, image.error]),
    [["127.0.0.1:5998/first", undefined]],
  );
});
