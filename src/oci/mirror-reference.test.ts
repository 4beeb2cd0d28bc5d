import { test } from "node:test";
import assert from "node:assert/strict";
import { mirrorReference } from "./mirror-reference.js";

const digest = `sha256:${"a".repeat(64)}`;

test("the mirror's name keeps the source repository path, tag and digest", () => {
  assert.equal(
    mirrorReference("127.0.0.1:5001/backup", "127.0.0.1:5000/app:1.0", digest),
    `127.0.0.1:5001/backup/app:1.0@${digest}`,
  );
  assert.equal(
    mirrorReference("127.0.0.1:5001/hub/", "docker.io/library/alpine:3.19", digest),
    `127.0.0.1:5001/hub/library/alpine:3.19@${digest}`,
  );
  assert.equal(
    mirrorReference("127.0.0.1:5001/x", `127.0.0.1:5000/app@${digest}`, digest),
    `127.0.0.1:5001/x/app@${digest}`,
  );
});

test("a mirror that is not HOST/PREFIX is a usage error", () => {
  assert.throws(() => mirrorReference("127.0.0.1:5001/Bad Prefix", "127.0.0.1:5000/app:1.0", digest), {
    code: "USAGE",
  });
});
