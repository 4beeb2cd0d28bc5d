import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseLockfile, serializeLockfile } from "./lockfile.js";
import { lockedKinds, scanKindsFor } from "./scan-kinds.js";

describe("scan kinds in the lockfile", () => {
  it("remembers the kinds chosen, sorted, and reads them back", () => {
    const text = serializeLockfile({
      lockfileVersion: 1,
      kinds: lockedKinds({ workflows: true, kubernetes: true }),
      images: [],
    });
    assert.match(
      text,
      /^\{\n {2}"lockfileVersion": 1,\n {2}"kinds": \[\n {4}"compose",\n {4}"dockerfile",\n {4}"kubernetes",\n {4}"workflow"\n {2}\],\n/,
    );
    assert.deepEqual(scanKindsFor(parseLockfile(text, "digestguard.lock")), { kubernetes: true, workflows: true });
  });

  it("adds what is chosen now to what the lockfile remembers", () => {
    const lock = parseLockfile('{"lockfileVersion": 1, "kinds": ["dockerfile", "kubernetes"], "images": []}', "l");
    assert.deepEqual(scanKindsFor(lock, { workflows: true }), { kubernetes: true, workflows: true });
  });

  it("reads a lockfile written before kinds were remembered as Dockerfiles and compose only", () => {
    const lock = parseLockfile('{"lockfileVersion": 1, "images": []}', "l");
    assert.deepEqual(scanKindsFor(lock), { kubernetes: false, workflows: false });
    assert.deepEqual(scanKindsFor(undefined, { kubernetes: true }), { kubernetes: true, workflows: false });
  });
});
