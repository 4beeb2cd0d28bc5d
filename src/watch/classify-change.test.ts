import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Observation, Sighting } from "../history/history-store.js";
import { classifyChange } from "./classify-change.js";

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const at = "2026-01-01T00:00:00.000Z";
const reference = "127.0.0.1:5000/app:1";
const observed = (s: Sighting): Observation => ({ ...s, id: 1, reference, firstSeen: at, lastSeen: at });
const index = (digest: string, platforms: Record<string, string>): Sighting => ({
  digest,
  platforms: Object.entries(platforms).map(([platform, p]) => ({ platform, digest: p })),
});

describe("classifyChange", () => {
  const cases: { name: string; previous?: Sighting; current: Sighting; seenBefore?: boolean; kinds: string[] }[] = [
    { name: "first check is a baseline", current: index(d("a"), { "linux/amd64": d("1") }), kinds: [] },
    {
      name: "unchanged",
      previous: index(d("a"), { "linux/amd64": d("1") }),
      current: index(d("a"), { "linux/amd64": d("1") }),
      kinds: [],
    },
    {
      name: "new platform content",
      previous: index(d("a"), { "linux/amd64": d("1") }),
      current: index(d("b"), { "linux/amd64": d("2") }),
      kinds: ["moved"],
    },
    {
      name: "index-only churn",
      previous: index(d("a"), { "linux/amd64": d("1") }),
      current: index(d("b"), { "linux/amd64": d("1"), "linux/arm64": d("3") }),
      kinds: ["index-churn", "platform-added"],
    },
    {
      name: "platform removed, rest unchanged",
      previous: index(d("a"), { "linux/amd64": d("1"), "linux/arm64": d("3") }),
      current: index(d("b"), { "linux/amd64": d("1") }),
      kinds: ["index-churn", "platform-removed"],
    },
    {
      name: "back to an earlier digest",
      previous: index(d("b"), { "linux/amd64": d("2") }),
      current: index(d("a"), { "linux/amd64": d("1") }),
      seenBefore: true,
      kinds: ["moved-back"],
    },
    { name: "tag gone", previous: index(d("a"), {}), current: { platforms: [] }, kinds: ["tag-deleted"] },
    {
      name: "single manifest moved",
      previous: { digest: d("a"), platforms: [] },
      current: { digest: d("b"), platforms: [] },
      kinds: ["moved"],
    },
    {
      name: "tag came back after deletion",
      previous: { platforms: [] },
      current: { digest: d("a"), platforms: [] },
      seenBefore: true,
      kinds: ["moved-back"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const events = classifyChange({
        reference,
        at,
        previous: c.previous && observed(c.previous),
        current: c.current,
        seenBefore: c.seenBefore ?? false,
      });
      assert.deepEqual(
        events.map((e) => e.kind),
        c.kinds,
      );
    });
  }

  it("names from and to", () => {
    const [event] = classifyChange({
      reference,
      at,
      previous: observed(index(d("a"), {})),
      current: index(d("b"), {}),
      seenBefore: false,
    });
    assert.deepEqual(event, { kind: "moved", reference, at, from: d("a"), to: d("b") });
  });
});
