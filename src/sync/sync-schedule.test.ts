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
