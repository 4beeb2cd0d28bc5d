import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDemo } from "./run-demo.js";
import { OciLayoutStore } from "../store/oci-layout.js";

test("the demo builds a two-platform layout and shows index and platform digests", async () => {
  const dir = await mkdtemp(join(tmpdir(), "dg-demo-test-"));
  try {
    let out = "";
    const layout = await runDemo({ dir: join(dir, "layout"), write: (text) => (out += text) });
    const store = await OciLayoutStore.open(layout);
    const root = await store.resolve({ tag: "1.0" });
    assert.match(out, new RegExp(`Digest: +${root.digest}`));
    assert.match(out, new RegExp(`${root.digest.slice(7)}  -`), "the raw bytes hash to the digest");
    assert.match(out, /linux\/amd64 manifest \(from index sha256:/);
    assert.match(out, /index \(multi-platform\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
