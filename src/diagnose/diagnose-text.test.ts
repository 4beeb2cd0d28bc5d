import { test } from "node:test";
import assert from "node:assert/strict";
import { DigestguardError } from "../errors/error.js";
import { diagnoseExitCode, diagnoseText } from "./diagnose-text.js";
import type { DiagnoseReport } from "./diagnose.js";

const nowhere = { openOrigin: () => Promise.reject(new Error("not reached")), mirrorsFor: async () => [] };

test("diagnoseText refuses empty text as a usage mistake, before reading anything", async () => {
  await assert.rejects(
    diagnoseText({ text: "  \n", lockfilePath: "/nonexistent/dir/x.lock", ...nowhere }),
    (error: unknown) => {
      assert.ok(error instanceof DigestguardError);
      assert.equal(error.code, "USAGE");
      return true;
    },
  );
});

test("diagnoseExitCode: 0 for a cause, 5 when every registry was unreachable, else 1", () => {
  const withVerdict = (verdict: object) => ({ verdict }) as unknown as DiagnoseReport;
  assert.equal(diagnoseExitCode(withVerdict({ cause: "registry-serves-wrong-content" })), 0);
  assert.equal(diagnoseExitCode(withVerdict({ cause: "undetermined", undetermined: "registry-unreachable" })), 5);
  assert.equal(diagnoseExitCode(withVerdict({ cause: "undetermined", undetermined: "digest-not-found" })), 1);
});
