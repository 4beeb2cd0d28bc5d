import { test } from "node:test";
import assert from "node:assert/strict";
import type { Observation } from "../../history/history-store.js";
import { tagPage } from "./tag-page.js";

// A registry that points a tag at a new digest every minute for a year.
function churningObservations(count: number): Observation[] {
  const start = Date.parse("2026-01-01T00:00:00Z");
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(start + i * 60_000).toISOString();
    return {
      id: i + 1,
      reference: "127.0.0.1:5000/app:1",
      digest: `sha256:${i.toString(16).padStart(64, "0")}`,
      platforms: [],
      firstSeen: at,
      lastSeen: at,
    } as unknown as Observation;
  });
}

test("a tag that moved 500,000 times still gets a page of bounded size, its newest observations shown", () => {
  const observations = churningObservations(500_000);
  const reference = "127.0.0.1:5000/app:1";
  const page = tagPage({ reference, observations, events: [], pins: [] }).text;
  assert.ok(page.length < 1_000_000, `page is ${page.length} characters`);
  assert.ok(page.includes((observations.at(-1) as Observation).lastSeen));
  assert.match(page, /newest 500 of 500000 observations; the API has them all/);
});
