import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { HistoryStore, JobClaim } from "../history/history-store.js";
import { targetFeed } from "./target-feed.js";
import type { WatchTarget } from "./watch-targets.js";

const target = (tag: string) => ({ registry: "r", repository: "app", reference: `r/app:${tag}` }) as WatchTarget;
const targets = ["a", "b", "c", "d", "e"].map(target);

// A database where another worker holds "e" until its lease runs out on the third empty claim.
function scriptedJobs(): { history: HistoryStore; claims: number; inFlight: number; maxInFlight: number } {
  const open = ["r/app:a", "r/app:b", "r/app:c", "r/app:d"];
  let emptyClaims = 0;
  let leftE = true;
  const state = { claims: 0, inFlight: 0, maxInFlight: 0, history: {} as HistoryStore };
  state.history = {
    async claimJobs(claim: JobClaim) {
      state.claims++;
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      state.inFlight--;
      if (open.length > 0) return open.splice(0, claim.limit);
      if (leftE && ++emptyClaims === 3) {
        leftE = false;
        return ["r/app:e"];
      }
      return [];
    },
    async jobsLeft() {
      return leftE ? 1 : 0;
    },
  } as unknown as HistoryStore;
  return state;
}

describe("targetFeed", () => {
  it("hands out every target once without a shared cycle", async () => {
    const next = targetFeed({ history: {} as HistoryStore, registry: "r", targets, batchSize: 2 });
    const got: string[] = [];
    for (let t = await next(); t !== undefined; t = await next()) got.push(t.reference);
    assert.deepEqual(
      got,
      targets.map((t) => t.reference),
    );
  });

  it("claims in batches, one claim at a time, and waits for a job leased elsewhere until it is done or taken over", async () => {
    const jobs = scriptedJobs();
    const next = targetFeed({
      history: jobs.history,
      registry: "r",
      targets,
      batchSize: 2,
      shared: { cycle: "c", worker: "w", leaseMs: 100 },
    });
    const got: string[] = [];
    await Promise.all(
      [1, 2, 3].map(async () => {
        for (let t = await next(); t !== undefined; t = await next()) got.push(t.reference);
      }),
    );
    assert.deepEqual(
      got.sort(),
      targets.map((t) => t.reference),
    );
    assert.equal(jobs.maxInFlight, 1, "never two claims at once");
  });
});
