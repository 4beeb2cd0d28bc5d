import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { d, lockedImage, lockedPlatform, lockOf } from "../../test/support/lock-entries.js";
import { checkFilesAgainstLock } from "./check-files-against-lock.js";
import { scanReferences, type ScannedFile } from "../scan/scan-references.js";

const H = "127.0.0.1:5000";
const LOCKED = d("locked-index");
const OTHER = d("some-other-index");

describe("checkFilesAgainstLock", () => {
  let dir: string;
  let files: ScannedFile[];
  const lock = lockOf([
    lockedImage(`${H}/team/app:1`, [lockedPlatform("linux/amd64", "app")], { digest: LOCKED }),
    lockedImage(`${H}/team/db:2`, [lockedPlatform("linux/amd64", "db")], { digest: OTHER }),
  ]);
  const at = (findings: ReturnType<typeof checkFilesAgainstLock>) =>
    findings.map((f) =>
      `${f.file.slice(dir.length + 1)}:${f.line} ${f.severity} ${f.rule} ${f.reference ?? ""}`.trim(),
    );

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "dg-check-files-"));
    await writeFile(
      join(dir, "Dockerfile"),
      [
        "ARG V",
        `FROM ${H}/team/app:\${V} AS fromvar`,
        `FROM ${H}/team/app:1@${LOCKED} AS locked`,
        `FROM ${H}/team/app:1 AS unpinned`,
        `FROM ${H}/team/db:2@${LOCKED} AS differs`,
        `FROM ${H}/team/new:3@${OTHER} AS notlocked`,
        "FROM fromvar",
        "FROM scratch",
        "COPY --from=0 / /",
        "",
      ].join("\n"),
    );
    await writeFile(join(dir, "compose.yaml"), `services:\n  web:\n    image: \${WEB:-${H}/team/app:1@${LOCKED}}\n`);
    files = await scanReferences([dir]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finds each kind of disagreement at its line, and nothing for stages, scratch or agreeing pins", () => {
    assert.deepEqual(at(checkFilesAgainstLock(files, lock, "digestguard.lock")), [
      `Dockerfile:2 warning cannot-pin ${H}/team/app:${"${V}"}`,
      `Dockerfile:4 error unpinned ${H}/team/app:1`,
      `Dockerfile:5 error differs-from-lock ${H}/team/db:2`,
      `Dockerfile:6 error not-locked ${H}/team/new:3`,
    ]);
  });

  it("says what to do, with the digests involved", () => {
    const [cannot, unpinned, differs, notLocked] = checkFilesAgainstLock(files, lock, "ci/digestguard.lock");
    assert.match(cannot?.message ?? "", /team\/app:\$\{V\} cannot be pinned: ARG V has no default\./);
    assert.match(
      unpinned?.message ?? "",
      new RegExp(`is not pinned by digest; run "digestguard pin" to pin it to ${LOCKED}\\.`),
    );
    assert.match(
      differs?.message ?? "",
      new RegExp(`is pinned to ${LOCKED}, but ci/digestguard.lock has ${OTHER} for ${H}/team/db:2\\.`),
    );
    assert.match(notLocked?.message ?? "", /ci\/digestguard\.lock has no entry for .*team\/new:3/);
  });

  it("without a lockfile every pinned reference is not-locked and unpinned ones name no digest", () => {
    const findings = checkFilesAgainstLock(files, undefined, "digestguard.lock");
    assert.deepEqual(
      at(findings).filter((f) => f.includes("error")),
      [
        `Dockerfile:3 error not-locked ${H}/team/app:1`,
        `Dockerfile:4 error unpinned ${H}/team/app:1`,
        `Dockerfile:5 error not-locked ${H}/team/db:2`,
        `Dockerfile:6 error not-locked ${H}/team/new:3`,
        `compose.yaml:3 error not-locked ${H}/team/app:1`,
      ],
    );
    assert.match(findings.find((f) => f.rule === "unpinned")?.message ?? "", /to pin it\.$/);
  });
});
