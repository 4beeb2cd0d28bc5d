import { it } from "node:test";
import assert from "node:assert/strict";
import { isCode } from "../errors/predicates.js";
import { copyHistory } from "./copy-history.js";

it("refuses a PostgreSQL source by its redacted URL, instead of opening it as a SQLite path", async () => {
  await assert.rejects(
    copyHistory("postgres://dg:S0urce@127.0.0.1:1/old", "postgres://dg:T4rget@127.0.0.1:1/new"),
    (e) =>
      isCode(e, "USAGE") &&
      e instanceof Error &&
      !/S0urce|T4rget/.test(e.message) &&
      e.message.includes("postgres://dg:***@127.0.0.1:1/old"),
  );
});
