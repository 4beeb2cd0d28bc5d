import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { d, lockedImage, lockedPlatform } from "../../test/support/lock-entries.js";
import type { LockedPlatform } from "../lockfile/lockfile-schema.js";
import { diffLockedTrees } from "./tree-diff.js";

const REF = "127.0.0.1:5000/team/base:1";
const amd64 = lockedPlatform("linux/amd64", "v1");
const arm64 = lockedPlatform("linux/arm64", "v1");
const image = (platforms: LockedPlatform[], digest?: string) =>
  lockedImage(REF, platforms, digest === undefined ? {} : { digest: d(digest) });
// A platform with the same layers as `p` but a different manifest digest and, optionally, config or layers.
const rebuilt = (
  p: LockedPlatform,
  change: { config?: boolean; layers?: number[]; addLayer?: boolean } = {},
): LockedPlatform => ({
  ...p,
  manifest: d(`${p.manifest}-rebuilt`),
  config: change.config ? d(`${p.config}-rebuilt`) : p.config,
  layers: [
    ...p.layers.map((layer, i) =>
      change.layers?.includes(i) ? { ...layer, digest: d(`${layer.digest}-rebuilt`) } : layer,
    ),
    ...(change.addLayer ? [{ ...p.layers[0]!, digest: d("extra-layer") }] : []),
  ],
});

describe("diffLockedTrees", () => {
  const cases: {
    name: string;
    before: LockedPlatform[];
    after: LockedPlatform[];
    summary: string[];
    sameContent: boolean;
  }[] = [
    {
      name: "a platform appended",
      before: [amd64, arm64],
      after: [amd64, arm64, lockedPlatform("linux/arm/v7", "v1")],
      summary: ["linux/arm/v7: added", "same content for every platform already pinned, only the index changed"],
      sameContent: true,
    },
    {
      name: "only the index re-made (re-signed, annotations)",
      before: [amd64, arm64],
      after: [arm64, amd64],
      summary: ["same content for every platform already pinned, only the index changed"],
      sameContent: true,
    },
    {
      name: "a platform removed",
      before: [amd64, arm64],
      after: [amd64],
      summary: ["linux/arm64: removed"],
      sameContent: false,
    },
    {
      name: "one platform rebuilt: config and one layer",
      before: [amd64, arm64],
      after: [amd64, rebuilt(arm64, { config: true, layers: [1] })],
      summary: ["linux/arm64: config and 1 of 2 layers changed"],
      sameContent: false,
    },
    {
      name: "a layer added",
      before: [amd64],
      after: [rebuilt(amd64, { config: true, addLayer: true })],
      summary: ["linux/amd64: config and 1 of 3 layers (was 2) changed"],
      sameContent: false,
    },
    {
      name: "only the config",
      before: [amd64],
      after: [rebuilt(amd64, { config: true })],
      summary: ["linux/amd64: config changed"],
      sameContent: false,
    },
    {
      name: "only the manifest bytes",
      before: [amd64],
      after: [rebuilt(amd64)],
      summary: ["linux/amd64: manifest changed (same config and layers)"],
      sameContent: false,
    },
    {
      name: "every platform rebuilt, one also removed and one added",
      before: [amd64, arm64, lockedPlatform("linux/s390x", "v1")],
      after: [
        rebuilt(amd64, { layers: [0, 1] }),
        rebuilt(arm64, { layers: [0] }),
        lockedPlatform("linux/ppc64le", "v1"),
      ],
      summary: [
        "linux/ppc64le: added",
        "linux/s390x: removed",
        "linux/amd64: 2 of 2 layers changed",
        "linux/arm64: 1 of 2 layers changed",
      ],
      sameContent: false,
    },
  ];
  for (const { name, before, after, summary, sameContent } of cases) {
    it(name, () => {
      const change = diffLockedTrees(image(before, "old"), image(after, "new"));
      assert.deepEqual(change, { reference: REF, from: d("old"), to: d("new"), summary, sameContent });
    });
  }

  it("says nothing when the digest did not change", () => {
    assert.deepEqual(diffLockedTrees(image([amd64], "same"), image([amd64], "same")).summary, []);
  });

  it("reports the reference and digests of the new entry", () => {
    const change = diffLockedTrees(image([amd64], "a"), lockedImage(REF, [amd64], { digest: d("b") }));
    assert.equal(change.from, d("a"));
    assert.equal(change.to, d("b"));
  });
});
