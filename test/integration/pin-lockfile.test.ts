import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { serializeLockfile } from "../../src/lockfile/lockfile.js";
import { d, lockedImage, lockedPlatform, lockOf } from "../support/lock-entries.js";
import { makeProject, type PinProject } from "../support/pin-project.js";
import { runCli } from "../support/run-cli.js";

// A corrupted or hand-edited lockfile is a clear LOCKFILE_INVALID error that
// names the entry, exit 2 — from pin, pin --check and check alike, before
// any file is touched or any registry asked (the port here is closed).

const REF = "127.0.0.1:9/team/app:1";

function validLock(): string {
  return serializeLockfile(
    lockOf([
      lockedImage("127.0.0.1:9/team/aaa:1", [lockedPlatform("linux/amd64", "a")]),
      lockedImage(REF, [lockedPlatform("linux/amd64", "b"), lockedPlatform("linux/arm64", "b")]),
    ]),
  );
}

describe("a corrupted or hand-edited lockfile", () => {
  let project: PinProject;
  before(async () => {
    project = await makeProject("pin-lockfile", { Dockerfile: `FROM ${REF}\n` });
  });
  after(async () => {
    await project?.cleanup();
  });

  const cases: { name: string; edit: (text: string) => string; message: RegExp }[] = [
    { name: "bad JSON", edit: (text) => text.slice(0, 200), message: /it is not valid JSON/ },
    {
      name: "a bad digest in images[1].platforms[0].manifest",
      edit: (text) => text.replace(d("linux/amd64-b-manifest"), "sha256:1234"),
      message:
        /images\[1\] \(127\.0\.0\.1:9\/team\/app:1\)\.platforms\[0\]\.manifest: must be a sha256:\/sha512: digest/,
    },
    {
      name: "an unknown key",
      edit: (text) => text.replace('"resolvedFrom"', '"pinnedBy": "me",\n      "resolvedFrom"'),
      message: /images\[0\] \(127\.0\.0\.1:9\/team\/aaa:1\): .*pinnedBy/,
    },
    {
      name: "an unknown version",
      edit: (text) => text.replace('"lockfileVersion": 1', '"lockfileVersion": 7'),
      message: /lockfileVersion/,
    },
  ];

  for (const { name, edit, message } of cases) {
    test(`${name}: exit 2 naming the entry, from pin, pin --check and check; nothing written`, async () => {
      await project.write("digestguard.lock", edit(validLock()));
      const before = await project.snapshot();
      for (const args of [["pin"], ["pin", "--check"], ["check"], ["pin", "--update"]]) {
        const res = await runCli(args, { cwd: project.dir });
        assert.equal(res.exitCode, 2, `${args.join(" ")}: ${res.stderr}`);
        assert.match(res.stderr, /LOCKFILE_INVALID/, args.join(" "));
        assert.match(res.stderr, /Cannot read lockfile digestguard\.lock: /);
        assert.match(res.stderr, message, args.join(" "));
        assert.doesNotMatch(res.stderr, /\n\s+at /, "no stack trace");
        assert.deepEqual(await project.snapshot(), before);
      }
    });
  }

  test("the valid original is accepted by pin --check (so the cases above fail for their edit alone)", async () => {
    const pinned = await makeProject("pin-lockfile-ok", {
      Dockerfile: `FROM ${REF}@${lockedImage(REF, [lockedPlatform("linux/amd64", "b"), lockedPlatform("linux/arm64", "b")]).digest}\n`,
      "digestguard.lock": validLock(),
    });
    try {
      const res = await runCli(["pin", "--check"], { cwd: pinned.dir });
      assert.equal(res.exitCode, 0, res.stderr + res.stdout.toString());
    } finally {
      await pinned.cleanup();
    }
  });
});
